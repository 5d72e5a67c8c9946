package org.quantscope.core.eval;

import org.junit.jupiter.api.Test;
import org.quantscope.core.InputException;
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

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An evaluation that runs several batches at once (one ONNX Runtime thread each) gives the same predictions, sample
 * by sample, as one that runs them in turn; a bad sample and a cancel still stop it with the right exception.
 */
class ParallelEvaluationTest {

    private static Dataset demoTestSet() {
        DemoAssets a = DemoAssets.locate();
        return DatasetLoader.open(DataSpec.of(a.testImages()).withLabels(a.testLabels())
                .withDescription(a.datasetDescription()));
    }

    private static final SessionSettings THREE_RUNS = new SessionSettings(1, true, true, false, 3);

    @Test
    void concurrentRunsGiveTheSamePredictionsInTheSameOrder() {
        OnnxModel m = OnnxModelLoader.load(DemoAssets.locate().model());
        try (Dataset d = demoTestSet();
             InferenceSession one = InferenceSession.open(m, new SessionSettings(1, true));
             InferenceSession three = InferenceSession.open(m, THREE_RUNS)) {
            assertEquals(3, three.concurrentRuns());
            EvaluationSettings es = new EvaluationSettings(96, 0); // 10,000 samples: a short last batch
            AtomicLong last = new AtomicLong();
            EvaluationResult a = Evaluator.evaluate(one, d, es, (done, total, msg) -> { }, CancellationToken.none());
            EvaluationResult b = Evaluator.evaluate(three, d, es, (done, total, msg) -> {
                assertTrue(done >= last.get(), "progress went back from " + last.get() + " to " + done);
                last.set(done);
            }, CancellationToken.none());
            assertEquals(10_000, last.get());
            assertArrayEquals(a.predictions(), b.predictions());
            assertArrayEquals(a.labels(), b.labels());
            assertEquals(a.accuracy(), b.accuracy());
        }
    }

    /**
     * A fast model (an MLP: each run takes microseconds) lets one worker take many batches while another still
     * holds one; the batch it holds must not be overwritten by a later read. Found by the fidelity tests when the
     * prefetcher still recycled arrays by position: the MLP's accuracy moved by 0.4 points from run to run.
     */
    @Test
    void aFastModelGivesTheSamePredictionsEveryTime() {
        OnnxModel m = OnnxModelLoader.load(java.nio.file.Path.of("src/test/resources/models/generality/mlp_bn.onnx"));
        try (Dataset d = demoTestSet();
             InferenceSession one = InferenceSession.open(m, new SessionSettings(1, true));
             InferenceSession three = InferenceSession.open(m, THREE_RUNS)) {
            EvaluationSettings es = new EvaluationSettings(256, 0);
            int[] expected = Evaluator.evaluate(one, d, es, (done, total, msg) -> { }, CancellationToken.none())
                    .predictions();
            for (int round = 0; round < 5; round++) {
                assertArrayEquals(expected, Evaluator.evaluate(three, d, es, (done, total, msg) -> { },
                        CancellationToken.none()).predictions(), "round " + round);
            }
        }
    }

    /**
     * Why {@link Evaluator#RUN_SAMPLES} may cut a batch into shorter runs: ONNX Runtime computes every sample the
     * same way whatever else is in the run, so the FP32 logits are the same bit for bit (both demo architectures).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void runSizeDoesNotChangeTheLogits(boolean residual) {
        DemoAssets assets = DemoAssets.locate();
        OnnxModel m = OnnxModelLoader.load(residual ? assets.residualModel() : assets.model());
        String out = m.outputs().get(0).name();
        try (Dataset d = demoTestSet(); InferenceSession s = InferenceSession.open(m, SessionSettings.DEFAULT)) {
            Batch big = d.read(0, 256);
            float[] whole = s.run(big.data(), big.shape(), List.of(out), CancellationToken.none()).get(out).data();
            int k = whole.length / 256;
            for (int from = 0; from < 256; from += Evaluator.RUN_SAMPLES) {
                Batch b = d.read(from, from + Evaluator.RUN_SAMPLES);
                float[] part = s.run(b.data(), b.shape(), List.of(out), CancellationToken.none()).get(out).data();
                for (int i = 0; i < part.length; i++) {
                    assertEquals(Float.floatToRawIntBits(whole[from * k + i]), Float.floatToRawIntBits(part[i]),
                            "logit " + i + " of the run from sample " + from);
                }
            }
        }
    }

    @Test
    void forEvaluationRunsOneBatchPerCoreOnlyWhenThreadsAreAutomatic() {
        int cores = Runtime.getRuntime().availableProcessors();
        SessionSettings auto = new SessionSettings(0, true).forEvaluation();
        assertEquals(cores > 1 ? cores : 1, auto.concurrentRuns());
        assertEquals(cores > 1 ? 1 : 0, auto.intraOpThreads());
        SessionSettings two = new SessionSettings(2, true).forEvaluation();
        assertEquals(1, two.concurrentRuns());
        assertEquals(2, two.intraOpThreads());
    }

    @Test
    void aBadLabelInOneWorkerStopsTheEvaluationWithItsMessage() {
        OnnxModel m = OnnxModelLoader.load(DemoAssets.locate().model());
        try (Dataset d = new BadLabelAt(demoTestSet(), 7_777); InferenceSession s = InferenceSession.open(m, THREE_RUNS)) {
            InputException e = assertThrows(InputException.class, () -> Evaluator.evaluate(s, d,
                    new EvaluationSettings(64, 0), (done, total, msg) -> { }, CancellationToken.none()));
            assertTrue(e.getMessage().contains("sample 7777 has label 42"), e.getMessage());
        }
    }

    @Test
    void aCancelStopsEveryWorker() {
        OnnxModel m = OnnxModelLoader.load(DemoAssets.locate().model());
        CancellationToken cancel = new CancellationToken();
        AtomicLong seen = new AtomicLong();
        try (Dataset d = demoTestSet(); InferenceSession s = InferenceSession.open(m, THREE_RUNS)) {
            assertThrows(CancelledException.class, () -> Evaluator.evaluate(s, d, new EvaluationSettings(50, 0),
                    (done, total, msg) -> {
                        seen.set(done);
                        if (done >= 500) {
                            cancel.cancel();
                        }
                    }, cancel));
        }
        assertTrue(seen.get() >= 500 && seen.get() < 10_000, "stopped after " + seen.get() + " samples");
    }

    /** The demo test set with one label replaced by a class the model does not have. */
    private record BadLabelAt(Dataset inner, int index) implements Dataset {
        @Override
        public String description() {
            return inner.description();
        }

        @Override
        public int size() {
            return inner.size();
        }

        @Override
        public int[] sampleShape() {
            return inner.sampleShape();
        }

        @Override
        public List<String> classNames() {
            return inner.classNames();
        }

        @Override
        public int label(int i) {
            return i == index ? 42 : inner.label(i);
        }

        @Override
        public Batch read(int[] indices) {
            return read(indices, null);
        }

        @Override
        public Batch read(int[] indices, float[] buffer) {
            Batch b = inner.read(indices, buffer);
            int[] labels = b.labels().clone();
            for (int k = 0; k < indices.length; k++) {
                if (indices[k] == index) {
                    labels[k] = 42;
                }
            }
            return new Batch(b.data(), b.sampleShape(), labels, b.indices());
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
