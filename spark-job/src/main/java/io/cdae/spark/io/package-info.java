/** Model and checkpoint storage on any Hadoop filesystem, written atomically. */
package io.cdae.spark.io;
