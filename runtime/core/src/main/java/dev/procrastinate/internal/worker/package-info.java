/**
 * The worker, in parts with one job each: {@code Fetcher} (the fetch loop and the prefetch buffer's
 * sizing, with {@code Slots}), {@code JobExecutor} (a job in, a completion out; no database),
 * {@code Completer} (guarded, batched outcome writes), {@code Listener} (LISTEN/NOTIFY), {@code
 * Housekeeper} and {@code Registration} (heartbeat, registration again, abort polling, stalled
 * rescue), and {@link dev.procrastinate.internal.worker.WorkerEngine}, which wires them and owns
 * the lifecycle. Threads, hand-offs and races are described in {@code runtime/docs/concurrency.md}.
 * Not API: may change without notice.
 */
@NullMarked
package dev.procrastinate.internal.worker;

import org.jspecify.annotations.NullMarked;
