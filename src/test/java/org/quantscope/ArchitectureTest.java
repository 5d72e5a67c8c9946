package org.quantscope;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The layering rules of docs/decisions/0001-architecture.md, stated once. */
@AnalyzeClasses(packages = "org.quantscope", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule coreAndReportNeverImportJavaFx = noClasses()
            .that().resideInAnyPackage("org.quantscope.core..", "org.quantscope.report..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "eu.hansolo..", "org.controlsfx..")
            .because("core and report run headless (CLI, PDF export, CI)");

    @ArchTest
    static final ArchRule coreNeverUsesUiCliOrReport = noClasses()
            .that().resideInAPackage("org.quantscope.core..")
            .should().dependOnClassesThat().resideInAnyPackage("org.quantscope.ui..", "org.quantscope.cli..",
                    "org.quantscope.report..", "picocli..")
            .because("data flows one way: core -> (ui, cli, report)");

    @ArchTest
    static final ArchRule coreNeverPrints = noClasses()
            .that().resideInAPackage("org.quantscope.core..")
            .should().accessField(System.class, "out").orShould().accessField(System.class, "err")
            .because("core reports through return values, progress listeners and exceptions");

    @ArchTest
    static final ArchRule onnxRuntimeAndProtobufStayInCoreOnnx = noClasses()
            .that().resideOutsideOfPackage("org.quantscope.core.onnx..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.onnxruntime..", "ai.onnx.proto..",
                    "com.google.protobuf..")
            .because("the rest of the code sees the project's own graph and tensor types");

    @ArchTest
    static final ArchRule cliAndUiAreIndependent = noClasses()
            .that().resideInAPackage("org.quantscope.cli..")
            .should().dependOnClassesThat().resideInAPackage("org.quantscope.ui..");

    @ArchTest
    static final ArchRule uiNeverUsesCli = noClasses()
            .that().resideInAPackage("org.quantscope.ui..")
            .should().dependOnClassesThat().resideInAPackage("org.quantscope.cli..")
            .because("both are front ends of the same core workflows");

    @ArchTest
    static final ArchRule viewModelsNeverTouchTheSceneGraph = noClasses()
            .that().haveSimpleNameEndingWith("ViewModel")
            .should().dependOnClassesThat().resideInAnyPackage("javafx.scene..")
            .because("view models hold state and actions (properties only), views draw them");

    @ArchTest
    static final ArchRule nd4jOnlyForAdaRound = noClasses()
            .that().haveNameNotMatching("org\\.quantscope\\.core\\.transform\\.AdaRound.*")
            .should().dependOnClassesThat().resideInAnyPackage("org.nd4j..", "org.bytedeco..")
            .because("ND4J is AdaRound's optimizer; everything else is plain Java over float arrays");

    /*
     * The layers inside core, bottom to top: util and quant; data and onnx; eval; sim; analysis; transform; config;
     * reliability and workflow; investigate (the flowchart over the workflows). A layer uses only layers below it (and
     * the root types InputException, Provenance).
     */

    @ArchTest
    static final ArchRule coreWorkflowsAreBelowTheInvestigation = noClasses()
            .that().resideInAnyPackage("org.quantscope.core.reliability..", "org.quantscope.core.workflow..")
            .should().dependOnClassesThat().resideInAPackage("org.quantscope.core.investigate..")
            .because("the investigation orchestrates the workflows; they know nothing of it");

    @ArchTest
    static final ArchRule coreUtilAndQuantAreTheBottom = noClasses()
            .that().resideInAnyPackage("org.quantscope.core.util..", "org.quantscope.core.quant..")
            .should().dependOnClassesThat().resideInAnyPackage("org.quantscope.core.data..",
                    "org.quantscope.core.onnx..", "org.quantscope.core.eval..", "org.quantscope.core.sim..",
                    "org.quantscope.core.analysis..", "org.quantscope.core.transform..", "org.quantscope.core.config..",
                    "org.quantscope.core.reliability..", "org.quantscope.core.workflow..", "org.quantscope.core.investigate..");

    @ArchTest
    static final ArchRule coreDataAndOnnxUseOnlyTheBottom = noClasses()
            .that().resideInAnyPackage("org.quantscope.core.data..", "org.quantscope.core.onnx..")
            .should().dependOnClassesThat().resideInAnyPackage("org.quantscope.core.eval..",
                    "org.quantscope.core.sim..", "org.quantscope.core.analysis..", "org.quantscope.core.transform..",
                    "org.quantscope.core.config..", "org.quantscope.core.reliability..",
                    "org.quantscope.core.workflow..", "org.quantscope.core.investigate..");

    @ArchTest
    static final ArchRule coreEvalIsBelowSimulation = noClasses()
            .that().resideInAPackage("org.quantscope.core.eval..")
            .should().dependOnClassesThat().resideInAnyPackage("org.quantscope.core.sim..",
                    "org.quantscope.core.analysis..", "org.quantscope.core.transform..", "org.quantscope.core.config..",
                    "org.quantscope.core.reliability..", "org.quantscope.core.workflow..", "org.quantscope.core.investigate..");

    @ArchTest
    static final ArchRule coreSimIsBelowAnalysis = noClasses()
            .that().resideInAPackage("org.quantscope.core.sim..")
            .should().dependOnClassesThat().resideInAnyPackage("org.quantscope.core.analysis..",
                    "org.quantscope.core.transform..", "org.quantscope.core.config..",
                    "org.quantscope.core.reliability..", "org.quantscope.core.workflow..", "org.quantscope.core.investigate..");

    @ArchTest
    static final ArchRule coreAnalysisIsBelowTransforms = noClasses()
            .that().resideInAPackage("org.quantscope.core.analysis..")
            .should().dependOnClassesThat().resideInAnyPackage("org.quantscope.core.transform..",
                    "org.quantscope.core.config..", "org.quantscope.core.reliability..",
                    "org.quantscope.core.workflow..", "org.quantscope.core.investigate..");

    @ArchTest
    static final ArchRule coreTransformIsBelowConfiguration = noClasses()
            .that().resideInAPackage("org.quantscope.core.transform..")
            .should().dependOnClassesThat().resideInAnyPackage("org.quantscope.core.config..",
                    "org.quantscope.core.reliability..", "org.quantscope.core.workflow..", "org.quantscope.core.investigate..");

    @ArchTest
    static final ArchRule coreConfigIsBelowTheWorkflows = noClasses()
            .that().resideInAPackage("org.quantscope.core.config..")
            .should().dependOnClassesThat().resideInAnyPackage("org.quantscope.core.reliability..",
                    "org.quantscope.core.workflow..", "org.quantscope.core.investigate..");

    @ArchTest
    static final ArchRule chartNeverUsesJavaFxUiOrCli = noClasses()
            .that().resideInAPackage("org.quantscope.chart..")
            .should().dependOnClassesThat().resideInAnyPackage("javafx..", "eu.hansolo..", "org.controlsfx..",
                    "org.quantscope.ui..", "org.quantscope.cli..")
            .because("plots and figures are drawn by reports and exports as well as by the window (decision 0025)");

    @ArchTest
    static final ArchRule reportNeverUsesUi = noClasses()
            .that().resideInAPackage("org.quantscope.report..")
            .should().dependOnClassesThat().resideInAPackage("org.quantscope.ui..")
            .because("reports are written headless; they draw figures from org.quantscope.chart (decision 0025)");

    @ArchTest
    static final ArchRule coreNeverUsesChart = noClasses()
            .that().resideInAPackage("org.quantscope.core..")
            .should().dependOnClassesThat().resideInAPackage("org.quantscope.chart..")
            .because("figures are drawn from results: core -> chart -> (ui, report)");
}
