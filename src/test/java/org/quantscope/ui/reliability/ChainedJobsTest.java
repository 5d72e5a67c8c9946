package org.quantscope.ui.reliability;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quantscope.core.reliability.ReliabilityResult;
import org.quantscope.ui.DemoFiles;
import org.quantscope.ui.diagnose.DiagnosticsViewModel;
import org.quantscope.ui.main.MainViewModel;
import org.quantscope.ui.main.ModelDatasetOpener;
import org.quantscope.ui.main.RecentModels;
import org.quantscope.ui.main.UserMessage;
import org.quantscope.ui.quantize.CalibrationPoolOpener;
import org.quantscope.ui.quantize.QuantizationViewModel;
import org.quantscope.ui.task.CurrentThreadTaskRunner;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.prefs.Preferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The window's jobs can be awaited and chained (issue 15): "simulate, then diagnose, then trials" as one chain of
 * completion stages on the real demo, the trials publishing partial results through the runner; a step that cannot
 * start ends the chain with the user told why.
 */
class ChainedJobsTest {

    private final CurrentThreadTaskRunner runner = new CurrentThreadTaskRunner();
    private final List<UserMessage> messages = new ArrayList<>();
    private Preferences prefs;
    private MainViewModel main;
    private QuantizationViewModel quantization;
    private DiagnosticsViewModel diagnostics;
    private ReliabilityViewModel reliability;

    @BeforeEach
    void setUp() {
        DemoFiles.require();
        prefs = Preferences.userRoot().node("org/quantscope-test/" + UUID.randomUUID());
        main = new MainViewModel(runner, new ModelDatasetOpener(), new RecentModels(prefs));
        main.setMessageHandler(messages::add);
        quantization = new QuantizationViewModel(main, new ModelDatasetOpener(), CalibrationPoolOpener.standard(),
                messages::add);
        diagnostics = new DiagnosticsViewModel(main, quantization, new ModelDatasetOpener(),
                CalibrationPoolOpener.standard(), messages::add);
        diagnostics.samplesProperty().set(100);
        reliability = new ReliabilityViewModel(main, quantization, new ModelDatasetOpener(),
                CalibrationPoolOpener.standard(), messages::add);
        reliability.trialsProperty().set(2);
    }

    @AfterEach
    void tearDown() throws Exception {
        prefs.removeNode();
    }

    @Test
    void simulateThenDiagnoseThenTrials() {
        main.openDemo(false);
        List<Integer> published = new ArrayList<>();
        reliability.resultProperty().addListener((o, was, now) -> published.add(now.trials().size()));
        CompletableFuture<ReliabilityResult> chain = quantization.simulate()
                .thenCompose(sim -> diagnostics.diagnose())
                .thenCompose(d -> reliability.runTrials())
                .toCompletableFuture();
        ReliabilityResult r = chain.join();
        assertNotNull(quantization.simulationProperty().get());
        assertNotNull(diagnostics.diagnosisProperty().get());
        assertEquals(2, r.trials().size());
        assertTrue(r.complete());
        // the empty result first, then one per finished trial, all through the runner
        assertTrue(published.size() >= 3 && published.get(0) == 0, published.toString());
        assertTrue(messages.isEmpty(), messages.toString());
    }

    @Test
    void aStepThatCannotStartEndsTheChainAndSaysWhy() {
        // no model open: the simulation does not start, so nothing after it runs
        CompletableFuture<ReliabilityResult> chain = quantization.simulate()
                .thenCompose(sim -> diagnostics.diagnose())
                .thenCompose(d -> reliability.runTrials())
                .toCompletableFuture();
        assertThrows(CompletionException.class, chain::join);
        assertEquals(1, messages.size(), messages.toString());
        assertEquals("Nothing to simulate", messages.get(0).title());
        assertEquals(0, runner.jobsRun());
    }
}
