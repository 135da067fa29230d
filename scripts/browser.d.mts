// Types for scripts/browser.mjs (so playwright.config.ts type-checks without allowJs).
export declare const SYSTEM_CHROMIUM_PATHS: string[];
export declare function findChromium(): string;
export declare function chromiumArgs(options?: { gpu?: boolean }): string[];
export declare function launchOptions(options?: { gpu?: boolean }): {
  executablePath: string;
  args: string[];
  headless: boolean;
};
