import { test, expect } from './fixtures';

test('smoke', async ({ harness }) => {
  const r = await harness.evaluate(async () => {
    const H = (window as any).H;
    return H.runCase({ input: [1, 5, 5, 3], filter: [3, 3, 3, 2], strides: [1, 1, 1, 1], padding: 'SAME', seed: 3 });
  });
  console.log(r);
  expect(r.ok).toBe(true);
});
