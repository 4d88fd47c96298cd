package dev.vessel.image;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for jobs submitted to a pool (layer downloads, layer unpacks) as one I/O operation. */
public final class ParallelJobs {

    private ParallelJobs() {}

    /**
     * Waits for every job in order. The first failure cancels the rest and is rethrown (as
     * itself when it is an IOException); an interrupt becomes an IOException saying
     * {@code interrupted}, with the thread's interrupt flag set again.
     */
    public static void awaitAll(List<Future<?>> jobs, String interrupted) throws IOException {
        for (Future<?> f : jobs) {
            try {
                f.get();
            } catch (ExecutionException e) {
                jobs.forEach(j -> j.cancel(true));
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(interrupted, e);
            }
        }
    }
}
