/**
 * What the Lambda handlers share: the stack's variables, one-line JSON logs, lazily built clients
 * and a small object store. Everything under {@code dev.paraglue.lambda}, {@code trigger}, {@code
 * api} and {@code notifications} goes into {@code target/paraglue-trigger.jar}, without Spark.
 */
package dev.paraglue.lambda;
