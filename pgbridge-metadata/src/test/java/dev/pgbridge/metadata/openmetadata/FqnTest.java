package dev.pgbridge.metadata.openmetadata;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FqnTest {
    @Test
    void partsWithADotAreQuoted() {
        assertThat(Fqn.build("svc", "shop", "sales", "orders", "id")).isEqualTo("svc.shop.sales.orders.id");
        assertThat(Fqn.build("svc", "shop", "Sales", "v1.orders")).isEqualTo("svc.shop.Sales.\"v1.orders\"");
    }

    @Test
    void reservedSeparatorsAreEncodedInNames() {
        assertThat(Fqn.encode("a::b")).isEqualTo("a__reserved__colon__b");
        assertThat(Fqn.encode("a>b")).isEqualTo("a__reserved__arrow__b");
        assertThat(Fqn.encode("say \"hi\"")).isEqualTo("say __reserved__quote__hi__reserved__quote__");
        assertThat(Fqn.encode("Customer Name")).isEqualTo("Customer Name");
    }

    @Test
    void splitIsTheInverseOfBuild() {
        assertThat(Fqn.split("svc.shop.sales.orders")).containsExactly("svc", "shop", "sales", "orders");
        assertThat(Fqn.split(Fqn.build("svc", "my.db", "Sales", "v1.orders")))
                .containsExactly("svc", "my.db", "Sales", "v1.orders");
        assertThat(Fqn.split("orders")).containsExactly("orders");
        assertThatThrownBy(() -> Fqn.split("svc..t")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty part");
    }

    @Test
    void aQuoteInsideANameNeverCrashesSplit() {
        // svc.db.we"ird.t threw "unterminated quote" out of the run, which then ended without a summary
        assertThat(Fqn.split("svc.db.we\"ird.t")).containsExactly("svc", "db", "we\"ird", "t");
        assertThat(Fqn.split("svc.\"db")).containsExactly("svc", "\"db");
        assertThat(Fqn.split("svc.\"a.b\".t")).containsExactly("svc", "a.b", "t");
        String encoded = Fqn.build("svc", Fqn.encode("d\"b"), Fqn.encode("we\"ird"), Fqn.encode("t.\"x"));
        assertThat(encoded).isEqualTo("svc.d__reserved__quote__b.we__reserved__quote__ird.\"t.__reserved__quote__x\"");
        assertThat(Fqn.split(encoded)).containsExactly("svc", "d__reserved__quote__b", "we__reserved__quote__ird",
                "t.__reserved__quote__x");
    }

    @Test
    void tableAndColumnFqnsAreBuiltInOnePlaceAsOpenMetadataBuildsThem() {
        // table and column FQNs were built in seven places by hand, some without encoding database and schema names
        assertThat(Fqn.table("svc", "shop", "sales", "orders")).isEqualTo("svc.shop.sales.orders");
        assertThat(Fqn.table("svc", "my.db", "we\"ird", "a::b")).isEqualTo("svc.\"my.db\".we__reserved__quote__ird.a__reserved__colon__b");
        assertThat(Fqn.column("svc.shop.sales.orders", "v1.x>y"))
                .isEqualTo("svc.shop.sales.orders.\"v1.x__reserved__arrow__y\"");
        assertThat(Fqn.column("svc.shop.sales.orders", Fqn.encode("a::b"))).as("encoding twice changes nothing")
                .isEqualTo(Fqn.column("svc.shop.sales.orders", "a::b"));
        assertThat(Fqn.split(Fqn.column(Fqn.table("svc", "d", "we\"ird", "t.1"), "c")))
                .containsExactly("svc", "d", "we__reserved__quote__ird", "t.1", "c");
    }
}
