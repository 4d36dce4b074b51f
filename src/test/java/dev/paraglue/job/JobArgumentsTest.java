package dev.paraglue.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobArgumentsTest {

  @Test
  void parse_withOnlyRequired_usesDefaults() {
    JobArguments a =
        JobArguments.parse("--source_table", "raw.docs", "--output_path", "s3://b/out");
    assertThat(a.sourceTable()).contains("raw.docs");
    assertThat(a.outputPath()).isEqualTo("s3://b/out");
    assertThat(a.paragraphTable()).isEqualTo(JobArguments.PARAGRAPH_TABLE_DEFAULT);
    assertThat(a.documentsTable()).isEqualTo(JobArguments.DOCUMENTS_TABLE_DEFAULT);
    assertThat(a.incremental()).isTrue();
    assertThat(a.failOnReject()).isFalse();
    assertThat(a.maxParagraphBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(a.jobRunId()).isEmpty();
    assertThat(a.metricsNamespace()).isEmpty();
    assertThat(
            JobArguments.parse(
                    "--source_table", "raw.docs", "--output_path", "o", "--metrics_namespace", "pg")
                .metricsNamespace())
        .contains("pg");
  }

  @Test
  void parse_withGlueArguments_acceptsAndUsesRunId() {
    JobArguments a =
        JobArguments.parse(
            "--JOB_ID",
            "j_1",
            "--JOB_RUN_ID",
            "jr_abc",
            "--JOB_NAME",
            "paraglue",
            "--TempDir",
            "s3://tmp/",
            "--job-bookmark-option",
            "job-bookmark-disable",
            "--enable-metrics",
            "true",
            "--enable-glue-datacatalog",
            "true",
            "--source_paths",
            "s3://b/raw/a.txt, s3://b/raw/dir/",
            "--output_path",
            "s3://b/out");
    assertThat(a.jobRunId()).contains("jr_abc");
    assertThat(a.jobName()).contains("paraglue");
    assertThat(a.sourcePaths()).containsExactly("s3://b/raw/a.txt", "s3://b/raw/dir/");
  }

  @Test
  void parse_withEqualsForm_andPartitionFilterValue() {
    JobArguments a =
        JobArguments.parse(
            "--source_table=raw.docs",
            "--partition_filter",
            "dt >= '2026-11-01'",
            "--output_path=/tmp/o");
    assertThat(a.partitionFilter()).contains("dt >= '2026-11-01'");
  }

  @Test
  void sourceEncoding_isCanonical_absentWhenNotGiven_andAnUnknownNameRefused() {
    assertThat(JobArguments.parse("--source_paths", "/x", "--output_path", "o").sourceEncoding())
        .isEmpty();
    assertThat(
            JobArguments.parse(
                    "--source_paths", "/x", "--output_path", "o", "--source_encoding", "gbk")
                .sourceEncoding())
        .contains("GBK");
    assertThat(
            JobArguments.parse(
                    "--source_paths", "/x", "--output_path", "o", "--source_encoding", "Auto")
                .sourceEncoding())
        .contains("auto");
    assertThatThrownBy(
            () ->
                JobArguments.parse(
                    "--source_paths", "/x", "--output_path", "o", "--source_encoding", "gb2313"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "Cannot use --source_encoding 'gb2313': not a charset this JVM knows")
        .hasMessageNotContaining("\n");
  }

  @Test
  void parse_withUnknownArgument_listsTheValidOnes() {
    assertThatThrownBy(
            () -> JobArguments.parse("--source_table", "a.b", "--output_path", "o", "--ouput", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown argument(s) --ouput")
        .hasMessageContaining("--source_table")
        .hasMessageContaining("--max_paragraph_bytes");
  }

  @Test
  void parse_withoutSource_orOutput_refuses() {
    assertThatThrownBy(() -> JobArguments.parse("--output_path", "o"))
        .hasMessageContaining(
            "one of --source_table, --source_paths, --source_manifest is required");
    assertThatThrownBy(() -> JobArguments.parse("--source_table", "a.b"))
        .hasMessageContaining("--output_path is required");
  }

  @Test
  void parse_withBadValues_namesTheArgumentAndValue() {
    List<String> base = List.of("--source_table", "a.b", "--output_path", "o");
    assertThatThrownBy(() -> parseWith(base, "--incremental", "yes"))
        .hasMessage("Cannot use --incremental 'yes': expected true or false");
    assertThatThrownBy(() -> parseWith(base, "--max_paragraph_bytes", "0"))
        .hasMessageContaining("Cannot use --max_paragraph_bytes 0");
    assertThatThrownBy(() -> parseWith(base, "--max_paragraph_bytes", "lots"))
        .hasMessageContaining("not a whole number");
    assertThatThrownBy(() -> parseWith(base, "--paragraph_table", "nodot"))
        .hasMessageContaining("expected database.table");
    assertThatThrownBy(() -> parseWith(base, "--paragraph_table", "x.y; DROP TABLE z"))
        .hasMessageContaining("expected database.table");
    assertThatThrownBy(
            () -> parseWith(base, "--documents_table", JobArguments.PARAGRAPH_TABLE_DEFAULT))
        .hasMessageContaining("one table for --paragraph_table and --documents_table");
    assertThatThrownBy(() -> parseWith(base, "--metrics_namespace", "AWS/Glue"))
        .hasMessageStartingWith("Cannot use --metrics_namespace 'AWS/Glue': expected 1-255");
    assertThatThrownBy(() -> parseWith(base, "--metrics_namespace", "a\tb"))
        .hasMessageStartingWith("Cannot use --metrics_namespace");
  }

  @Test
  void parse_partitionFilterWithoutTable_refuses() {
    assertThatThrownBy(
            () ->
                JobArguments.parse(
                    "--source_paths", "/x", "--partition_filter", "dt='1'", "--output_path", "o"))
        .hasMessageContaining("--partition_filter without --source_table");
  }

  @Test
  void parse_repeatedArgument_refuses() {
    assertThatThrownBy(
            () ->
                JobArguments.parse(
                    "--source_table", "a.b", "--source_table", "c.d", "--output_path", "o"))
        .hasMessageContaining("given more than once");
  }

  @Test
  void parse_missingValue_refuses() {
    assertThatThrownBy(() -> JobArguments.parse("--source_table", "a.b", "--output_path"))
        .hasMessage("Cannot parse --output_path: it needs a value");
  }

  private static JobArguments parseWith(List<String> base, String... more) {
    String[] all = new String[base.size() + more.length];
    for (int i = 0; i < base.size(); i++) {
      all[i] = base.get(i);
    }
    System.arraycopy(more, 0, all, base.size(), more.length);
    return JobArguments.parse(all);
  }
}
