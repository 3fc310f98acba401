/** Job configuration: shipped defaults, the user's file and --set overrides, merged and validated. */
package io.cdae.spark.config;
