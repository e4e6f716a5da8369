/**
 * The worker: a fetcher thread, an executor of {@code concurrency} threads, a completer thread, a
 * LISTEN/NOTIFY listener and a housekeeper; their hand-offs are described in {@code
 * runtime/core/docs/concurrency.md}. Not API: may change without notice.
 */
@NullMarked
package dev.procrastinate.internal.worker;

import org.jspecify.annotations.NullMarked;
