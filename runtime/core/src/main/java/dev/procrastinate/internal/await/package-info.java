/**
 * Waiting for jobs to end ({@code JobManager.await}). One {@code JobWaiters} per app: a daemon
 * thread holds one connection that {@code LISTEN}s on {@code procrastinate_java_jobs_ended_v1},
 * which the outcome statements of this runtime's workers notify in the transaction that ends jobs,
 * and completes the futures of every waiter at once: many waiters share the connection, each woken
 * within a round trip of the commit. A job that a Python worker ends sends no notification; the
 * thread also looks once a second while anyone waits. Started at the first wait, closed with the
 * app. Not API.
 */
@NullMarked
package dev.procrastinate.internal.await;

import org.jspecify.annotations.NullMarked;
