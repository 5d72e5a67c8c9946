package org.quantscope.core.eval;

import org.junit.jupiter.api.Test;
import org.quantscope.core.data.Batch;
import org.quantscope.core.data.DataSpec;
import org.quantscope.core.data.Dataset;
import org.quantscope.core.data.DatasetLoader;
import org.quantscope.core.demo.DemoAssets;
import org.quantscope.core.onnx.InferenceSession;
import org.quantscope.core.onnx.OnnxModel;
import org.quantscope.core.onnx.OnnxModelLoader;
import org.quantscope.core.onnx.SessionSettings;
import org.quantscope.core.util.CancellationToken;
import org.quantscope.core.util.CancelledException;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A cancel stops an evaluation between batches, and a native ONNX Runtime run in the middle of a batch. */
class CancellationTest {

    private static Dataset demoTestSet() {
        DemoAssets a = DemoAssets.locate();
        return DatasetLoader.open(DataSpec.of(a.testImages()).withLabels(a.testLabels())
                .withDescription(a.datasetDescription()));
    }

    @Test
    void cancelFromTheProgressListenerStopsTheEvaluation() {
        OnnxModel m = OnnxModelLoader.load(DemoAssets.locate().model());
        CancellationToken cancel = new CancellationToken();
        AtomicLong seen = new AtomicLong();
        try (Dataset d = demoTestSet(); InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT)) {
            assertThrows(CancelledException.class, () -> Evaluator.evaluate(s, d, new EvaluationSettings(100, 0),
                    (done, total, msg) -> {
                        seen.set(done);
                        if (done >= 300) {
                            cancel.cancel();
                        }
                    }, cancel));
        }
        assertTrue(seen.get() >= 300 && seen.get() < 10000, "stopped after " + seen.get() + " samples");
    }

    /**
     * The cancel callback sets {@code RunOptions.setTerminate(true)}; ONNX Runtime checks it between nodes, so a run
     * cancelled early ends long before a full run would. Timing on a shared VM is noisy: three attempts, one must show
     * the early end.
     */
    @Test
    void cancelReachesARunningNativeSession() throws Exception {
        OnnxModel m = OnnxModelLoader.load(DemoAssets.locate().model());
        Batch b;
        try (Dataset d = demoTestSet()) {
            b = d.read(0, 3000);
        }
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        StringBuilder log = new StringBuilder();
        boolean early = false;
        try (InferenceSession s = InferenceSession.open(m, new SessionSettings(1, true))) {
            s.run(b.data(), b.shape(), CancellationToken.none());
            for (int attempt = 0; attempt < 3 && !early; attempt++) {
                long t0 = System.nanoTime();
                s.run(b.data(), b.shape(), CancellationToken.none());
                double fullRun = (System.nanoTime() - t0) / 1e9;
                CancellationToken cancel = new CancellationToken();
                timer.schedule(cancel::cancel, Math.max(1, (long) (fullRun * 1000 / 5)), TimeUnit.MILLISECONDS);
                long t1 = System.nanoTime();
                assertThrows(CancelledException.class, () -> s.run(b.data(), b.shape(), cancel));
                double cancelled = (System.nanoTime() - t1) / 1e9;
                log.append(String.format("full %.3f s, cancelled %.3f s; ", fullRun, cancelled));
                early = cancelled < 0.6 * fullRun;
            }
            // the session is still usable after a terminated run
            s.run(b.data(), b.shape(), CancellationToken.none());
        } finally {
            timer.shutdownNow();
        }
        assertTrue(early, log.toString());
    }
}
