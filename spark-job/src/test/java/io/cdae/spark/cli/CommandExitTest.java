package io.cdae.spark.cli;

import org.apache.hadoop.util.StringUtils;
import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How a command ends inside a YARN ApplicationMaster; the real ApplicationMaster is YarnClusterIT's. */
class CommandExitTest {
    private static Properties submitted(String master, String deployMode) {
        Properties p = new Properties();
        if (master != null) {
            p.setProperty("spark.master", master);
        }
        if (deployMode != null) {
            p.setProperty("spark.submit.deployMode", deployMode);
        }
        return p;
    }

    @Test
    void onlyYarnClusterModeRunsInsideAnApplicationMaster() {
        assertTrue(CommandExit.insideYarnApplicationMaster(submitted("yarn", "cluster")));
        assertFalse(CommandExit.insideYarnApplicationMaster(submitted("yarn", "client")));
        assertFalse(CommandExit.insideYarnApplicationMaster(submitted("spark://127.0.0.1:7077", "cluster")));
        assertFalse(CommandExit.insideYarnApplicationMaster(submitted("local[2]", null)));
        assertFalse(CommandExit.insideYarnApplicationMaster(submitted(null, null)));
    }

    @Test
    void insideAnApplicationMasterSuccessReturnsAndFailureThrowsTheOneLineMessage() {
        Properties am = submitted("yarn", "cluster");
        CommandExit.exit(new Commands.Result(ExitCodes.OK, null), am);
        CommandExit.FailedApplication failed = assertThrows(CommandExit.FailedApplication.class,
                () -> CommandExit.exit(new Commands.Result(ExitCodes.INPUT, "cdae-train: input error: no such path"), am));
        // what the ApplicationMaster puts after "User class threw exception: " in the application's diagnostics
        assertEquals("cdae-train: input error: no such path (exit code 65)" + System.lineSeparator(),
                StringUtils.stringifyException(failed));
    }

    @Test
    void aFailureWithoutALineStillNamesItsExitCode() {
        CommandExit.FailedApplication failed = assertThrows(CommandExit.FailedApplication.class,
                () -> CommandExit.exit(new Commands.Result(ExitCodes.RUNTIME, null), submitted("yarn", "cluster")));
        assertEquals("failed (exit code 70)", failed.toString());
    }
}
