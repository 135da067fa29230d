/**
 * Page tasks, counted: `now()` is the current task's number; the first call in a task queues the
 * zero-delay timeout that bumps it. Without setTimeout every call counts as a task of its own.
 */
export class TaskClock {
  private task = 0;
  private queued = false;

  now(): number {
    if (typeof setTimeout !== 'function') return ++this.task;
    if (!this.queued) {
      this.queued = true;
      setTimeout(() => {
        this.queued = false;
        this.task++;
      }, 0);
    }
    return this.task;
  }
}
