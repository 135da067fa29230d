/**
 * Page tasks, counted: `now()` is the current task's number, and the first call in a task queues
 * the zero-delay timeout that bumps it. The tuner (a shape timed only after its first call's
 * task) and the TF.js direct path (a heavy shape's own program from its third task) count with it.
 * Without setTimeout (`ticks` false) the count stays 0, and each user says what that means.
 */
export class TaskClock {
  private count = 0;
  private queued = false;
  /** Whether tasks are counted: setTimeout exists. */
  readonly ticks = typeof setTimeout === 'function';

  /** The current task's number, queuing its bump (once per task). */
  now(): number {
    if (!this.queued && this.ticks) {
      this.queued = true;
      setTimeout(() => {
        this.queued = false;
        this.count++;
      }, 0);
    }
    return this.count;
  }

  /** The current task's number, queuing nothing. */
  get current(): number {
    return this.count;
  }
}
