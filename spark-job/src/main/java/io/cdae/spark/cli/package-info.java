/** Thin command-line entry points: parse, validate, delegate; exit codes in {@link io.cdae.spark.cli.ExitCodes}. */
package io.cdae.spark.cli;
