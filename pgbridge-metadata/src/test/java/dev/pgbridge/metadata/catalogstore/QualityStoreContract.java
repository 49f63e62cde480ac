package dev.pgbridge.metadata.catalogstore;

import dev.pgbridge.metadata.openmetadata.Requests;
import dev.pgbridge.store.StoreDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the quality store must do on every back end of the control store (run as a {@code @Nested} class of each
 * catalog store IT), written through {@link CatalogSink} with the requests a TestSuite run sends, each test in its own
 * tenant.
 */
@Timeout(60)
abstract class QualityStoreContract {
    static final String TABLE = "q_pg.shop.sales.orders";

    final String tenant = "q" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000, Integer.MAX_VALUE));
    final List<String> warnings = new ArrayList<>();

    protected abstract StoreDatabase storeDatabase();

    private static Requests.TestCaseResult result(long timestamp, String status) {
        return new Requests.TestCaseResult(timestamp, status, "found rowCount=2", List.of(), null, null, null, null,
                null);
    }

    // the bug: a test case with a bad entity link (or a result with a bad path) threw inside the sink's flush and
    // rolled back every request buffered with it (up to 5,000)
    @Test
    void aBadRequestIsAWarningOfItsOwnAndTheRestOfItsBatchIsKept() {
        try (CatalogSink sink = new CatalogSink(CatalogStore.open(storeDatabase(), tenant), warnings::add)) {
            sink.send(Requests.Request.put(new Requests.CreateTestSuite(TABLE + ".testSuite", null, TABLE)));
            sink.send(Requests.Request.put(new Requests.CreateTestCase("rows", null, "tableRowCountToEqual",
                    "<#E::table::" + TABLE + ">", TABLE + ".testSuite", List.of(), null)));
            sink.send(Requests.Request.put(new Requests.CreateTestCase("bad_link", null, "tableRowCountToEqual",
                    "not a link", TABLE + ".testSuite", List.of(), null)));
            sink.send(new Requests.Request("PUT", "/v1/dataQuality/testCases/x/notAResult", result(1, "Success")));
            sink.send(Requests.Request.testCaseResult(TABLE + ".rows", result(2, "Success")));
        }
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains("bad_link").contains("not a table's entity link: not a link");
        assertThat(warnings.get(1)).contains("PUT /v1/dataQuality/testCases/x/notAResult")
                .contains("not a test case result's path");
        List<QualityStore.CaseResults> cases = QualityStore.open(storeDatabase(), tenant).table(TABLE);
        assertThat(cases).extracting(QualityStore.CaseResults::name).containsExactly("rows");
        assertThat(cases.getFirst().latest().timestamp()).isEqualTo(2);
    }
}
