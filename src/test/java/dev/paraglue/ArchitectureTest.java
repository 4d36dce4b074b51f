package dev.paraglue;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules a reader relies on: imports point one way, and the contract needs no Spark. */
class ArchitectureTest {
  private static JavaClasses main;

  @BeforeAll
  static void importMainClasses() {
    main =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.paraglue");
  }

  @Test
  void packages_haveNoCycles() {
    slices().matching("dev.paraglue.(**)").should().beFreeOfCycles().check(main);
  }

  @Test
  void text_dependsOnNoSparkHadoopIcebergOrAws() {
    noClasses()
        .that()
        .resideInAPackage("dev.paraglue.text..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.spark..",
            "org.apache.hadoop..",
            "org.apache.iceberg..",
            "scala..",
            "software.amazon..",
            "com.amazonaws..")
        .check(main);
  }

  @Test
  void text_dependsOnNoOtherPackageOfParaglue() {
    noClasses()
        .that()
        .resideInAPackage("dev.paraglue.text..")
        .should()
        .dependOnClassesThat()
        .resideOutsideOfPackages("dev.paraglue.text..", "java..")
        .check(main);
  }
}
