package org.modelheritage.store;

import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The example in-memory store passes the same contract as the SQLite and PostgreSQL stores,
 * opened through ServiceLoader by its {@code mem:} URI. (In this package because the suite's
 * test methods are package-private.)
 */
class InMemoryMetadataStoreContractTest extends MetadataStoreContract {

    @Override
    protected URI newStoreUri() {
        return URI.create("mem:contract-" + UUID.randomUUID());
    }

    @Override
    @Test
    @Disabled("an in-memory store keeps nothing once its process is killed: that is what 'in memory' means")
    void aCrashMidWriteLeavesEachChangeSetWholeOrAbsent() {
    }
}
