package io.cdae.spark.cli;

import io.cdae.config.CdaeConfigJson;
import io.cdae.io.CdaeModel;
import io.cdae.io.ModelExport;
import io.cdae.spark.io.ModelRepository;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cdae-inspect}: print a model's config and provenance; with --export, write it as CSV + JSON. */
@Command(name = "cdae-inspect", mixinStandardHelpOptions = true,
        description = "Shows a trained CDAE and exports its weights for use outside the JVM.")
public final class InspectCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model directory (any Hadoop URI)")
    String model;
    @Option(names = "--export", description = "local directory to write config.json, index.json and CSV weights to")
    Path export;

    @Override
    public Integer call() throws Exception {
        CdaeModel m = new ModelRepository(new Configuration()).load(model);
        System.out.println(CdaeConfigJson.toJson(m.config()));
        m.metadata().forEach((k, v) -> System.out.println(k + ": " + (v.length() > 120 ? v.substring(0, 117) + "..." : v)));
        if (m.calibration() != null) {
            System.out.println("threshold: " + m.calibration().threshold() + " (" + m.calibration().rule() + ")");
        }
        if (export != null) {
            ModelExport.export(m, export);
            System.out.println("exported to " + export + " (see index.json)");
        }
        return ExitCodes.OK;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return Commands.execute(new InspectCommand(), "cdae-inspect", args);
    }
}
