/**
 * The worker, in parts with one job each: {@code Fetcher} (the fetch loop and the prefetch buffer's
 * sizing, with {@code Slots}), {@code HeldJobs} (the runs held from fetch to noted outcome, parked
 * and abandoned ones included), {@code ExecutorThreads} (a run's path through the executor
 * threads), {@code JobExecutor} (a job in, a completion out; no database), {@code Completer}
 * (guarded, batched outcome writes), {@code Listener} (LISTEN/NOTIFY), {@code Housekeeper} and
 * {@code Registration} (heartbeat, lease, registration again, abort polling, stalled rescue), and
 * {@link dev.procrastinate.internal.worker.WorkerEngine}, which builds them and owns the lifecycle.
 *
 * <p>Every part takes a {@code WorkerContext} (options, database and statements, hooks, clocks)
 * and, for each edge it sends on, a named signal interface: {@code FetchedJobs}, {@code
 * WorkSignals}, {@code AbortRequests}, {@code OutcomeNotes}, {@code LeaseEvents}, {@code
 * RegistrationEvents}. A job's path: {@code Fetcher} → {@code FetchedJobs} → {@code
 * ExecutorThreads} (held in {@code HeldJobs}) → {@code JobExecutor} → {@code Completer} → {@code
 * OutcomeNotes} → released. Threads, hand-offs and races are described in {@code
 * runtime/docs/concurrency.md}. Not API: may change without notice.
 */
@NullMarked
package dev.procrastinate.internal.worker;

import org.jspecify.annotations.NullMarked;
