package dev.procrastinate.internal.worker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the jobs a worker holds between its fetch and the end of their run, and decides how many
 * more it may fetch. Thread-safe. Not API.
 *
 * <p>A worker holds {@code concurrency} executing jobs plus a small prefetch buffer of jobs already
 * marked doing for it, so that a slot that frees takes its next job without a round trip. The
 * buffer adapts to the work: it holds about twice the jobs the slots finish during one fetch round
 * trip (measured, as moving averages of the run time and of the fetch time), at most {@link
 * #maxPrefetch}. Short jobs thus get a buffer that hides the fetch latency; jobs that run much
 * longer than a fetch get none, so that a worker never sits on waiting jobs that an idle worker
 * beside it could run.
 */
final class Slots {
  /** The most jobs a worker buffers beyond its executing ones, whatever its concurrency. */
  static final int PREFETCH_CAP = 64;

  private final int concurrency;
  private final int maxPrefetch;
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger executing = new AtomicInteger();
  private volatile double runNanos = -1;
  private volatile double fetchNanos = -1;

  /**
   * Creates the counts.
   *
   * @param concurrency the number of executor threads
   * @param fetchBatchSize the most jobs one fetch may take
   */
  Slots(int concurrency, int fetchBatchSize) {
    this.concurrency = concurrency;
    this.maxPrefetch =
        Math.max(0, Math.min(fetchBatchSize - 1, Math.min(PREFETCH_CAP, 4 * concurrency + 16)));
  }

  /** Returns how many jobs may be fetched now. */
  int free() {
    return concurrency + prefetch() - held.get();
  }

  /** Returns how many executor threads no held job (executing or buffered) is waiting for. */
  int idle() {
    return Math.max(0, concurrency - held.get());
  }

  /** Returns the count below which a fetch is worth its round trip while jobs are buffered. */
  int refill() {
    return Math.max(1, (concurrency + prefetch()) / 2);
  }

  /** Tells whether an executor thread is idle with no buffered job to take. */
  boolean starving() {
    int executingNow = executing.get();
    return executingNow < concurrency && held.get() - executingNow <= 0;
  }

  /** Returns the jobs held: buffered plus executing. */
  int held() {
    return held.get();
  }

  /** Returns the current prefetch target. */
  int prefetch() {
    double run = runNanos;
    double fetch = fetchNanos;
    if (run < 0 || fetch < 0 || maxPrefetch == 0) {
      return 0;
    }
    double finishedDuringFetch = concurrency * fetch / Math.max(run, 1_000);
    // Rounded: jobs of which fewer than one ends per four round trips get no buffer.
    return (int) Math.min(maxPrefetch, Math.round(2 * finishedDuringFetch));
  }

  /** Counts jobs just fetched. */
  void fetched(int count, long nanos) {
    held.addAndGet(count);
    fetchNanos = average(fetchNanos, nanos);
  }

  /** Counts jobs taken back without a timed fetch. */
  void adopted(int count) {
    held.addAndGet(count);
  }

  /** Counts a job whose run starts. */
  void started() {
    executing.incrementAndGet();
  }

  /** Counts a job whose run ended (its outcome is queued for writing) and frees its slot. */
  void ended(long nanos) {
    executing.decrementAndGet();
    held.decrementAndGet();
    runNanos = average(runNanos, nanos);
  }

  /** Frees the slots of jobs handed back before they started. */
  void released(int count) {
    held.addAndGet(-count);
  }

  private static double average(double current, long sample) {
    return current < 0 ? sample : current * 0.9 + sample * 0.1;
  }
}
