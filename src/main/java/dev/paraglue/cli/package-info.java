/**
 * The command lines of the job and the local tools: one table of arguments per command, which the
 * parser and the help both read, and the one line an error is shown as. Plain Java, no Spark, no
 * AWS: the job, the local commands and the Lambda handlers' local mains all use it.
 */
package dev.paraglue.cli;
