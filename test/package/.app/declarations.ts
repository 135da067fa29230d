// Every shipped declaration reachable from the package's entries, checked on its own
// (skipLibCheck off; main.ts and types.ts need it on, for TF.js's own declarations).
import * as root from 'depthwise-gl';
import * as inspector from 'depthwise-gl/inspector';
import * as tfjs from 'depthwise-gl/tfjs';
import * as training from 'depthwise-gl/tfjs-training';

export { root, inspector, tfjs, training };
