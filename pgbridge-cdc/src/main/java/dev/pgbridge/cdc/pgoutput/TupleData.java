package dev.pgbridge.cdc.pgoutput;

import java.util.List;

/** The columns of one row image, in the order of the relation's columns. */
public record TupleData(List<TupleValue> values) {
    public TupleData {
        values = List.copyOf(values);
    }

    public static TupleData of(TupleValue... values) {
        return new TupleData(List.of(values));
    }

    public int size() {
        return values.size();
    }

    public TupleValue get(int index) {
        return values.get(index);
    }
}
