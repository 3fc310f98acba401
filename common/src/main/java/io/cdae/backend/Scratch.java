package io.cdae.backend;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-thread ND4J workspaces for the intermediates of one minibatch (a training step's forward and backward
 * pass, a scoring batch). Every array created while the scope is open lives in memory that the next
 * minibatch reuses; nothing created inside may be kept after {@code close()} (results leave as Java values
 * or are written in place into arrays created outside).
 *
 * <p>Why: allocating an ND4J array outside a workspace costs more than most ops on it. One [512 x 784]
 * float array takes about 0.9 ms to allocate, fifteen times an element-wise op on it (bench/step-profile,
 * docs/BENCHMARKS.md).
 */
public final class Scratch {
    /** Learns its size in the first minibatch, grows (by reallocating) if a later one needs more. */
    private static final WorkspaceConfiguration CONFIG = WorkspaceConfiguration.builder()
            .initialSize(0).policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.25)
            .policyLearning(LearningPolicy.FIRST_LOOP).policySpill(SpillPolicy.REALLOCATE).build();

    /** The workspace of training steps. */
    public static final String TRAINING = "CDAE_TRAINING";
    /** The workspace where a training minibatch is gathered and corrupted. */
    public static final String BATCH = "CDAE_BATCH";
    /** The workspace of scoring minibatches. */
    public static final String SCORING = "CDAE_SCORING";

    private Scratch() {
    }

    /** Opens this thread's workspace {@code id}; close it (try-with-resources) when the minibatch is done. */
    public static MemoryWorkspace open(String id) {
        return Nd4j.getWorkspaceManager().getAndActivateWorkspace(CONFIG, id);
    }
}
