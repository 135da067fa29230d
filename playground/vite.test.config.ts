// The Vite config the playground's browser tests serve with: the project's vite.config.ts, with
// file watching and HMR off, so an edit elsewhere in the repository cannot reload the page mid-test.
import { defineConfig, mergeConfig } from 'vite';
import base from '../vite.config.ts';

export default mergeConfig(base, defineConfig({ server: { hmr: false, watch: null } }));
