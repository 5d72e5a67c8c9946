package org.quantscope.core.data;

/**
 * The element type of a stored array (a {@code .npy} dtype or an IDX type code), with its width in bytes. Integer
 * types hold raw values that preprocessing scales; floating-point types hold values used as they are unless
 * {@link Preprocessing#applyToFloat()} is set.
 */
public enum ElementType {
    /** 1-byte boolean, read as 0 or 1. */
    BOOL("bool", 1, false),
    /** Unsigned 8-bit integer. */
    UINT8("uint8", 1, false),
    /** Signed 8-bit integer. */
    INT8("int8", 1, false),
    /** Unsigned 16-bit integer. */
    UINT16("uint16", 2, false),
    /** Signed 16-bit integer. */
    INT16("int16", 2, false),
    /** Signed 32-bit integer. */
    INT32("int32", 4, false),
    /** Signed 64-bit integer. */
    INT64("int64", 8, false),
    /** IEEE 754 single precision. */
    FLOAT32("float32", 4, true),
    /** IEEE 754 double precision. */
    FLOAT64("float64", 8, true);

    private final String numpyName;
    private final int byteWidth;
    private final boolean floatingPoint;

    ElementType(String numpyName, int byteWidth, boolean floatingPoint) {
        this.numpyName = numpyName;
        this.byteWidth = byteWidth;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteWidth() {
        return byteWidth;
    }

    /** Whether values are floating point (used as they are by default) rather than raw integers. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The numpy name, e.g. {@code "uint8"}, used in messages. */
    @Override
    public String toString() {
        return numpyName;
    }
}
