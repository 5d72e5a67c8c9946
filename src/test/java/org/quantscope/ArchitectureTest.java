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
