using System.Runtime.Intrinsics;

namespace Rtn.Kernels.Simd;

/// <summary>
/// The vector operations the kernel loops use, for one SIMD width; <typeparamref name="TVector"/>
/// holds fp32 lanes, or the raw bits of fp32 or 16-bit lanes where a member says so. Each loop is
/// written once against this interface and the JIT specializes it for each width struct, so the
/// members must inline to the instructions a hand-written tier would use.
/// </summary>
/// <typeparam name="TVector">The width's fp32 vector.</typeparam>
internal interface ISimdWidth<TVector>
    where TVector : struct
{
    /// <summary>fp32 lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Weight rows per register tile of the matrix product (the tile must fit the width's registers).</summary>
    static abstract int PanelRows { get; }

    /// <summary>All lanes zero.</summary>
    static abstract TVector Zero { get; }

    /// <summary><paramref name="value"/> in every lane.</summary>
    static abstract TVector Broadcast(float value);

    /// <summary><paramref name="bits"/> in every 32-bit lane.</summary>
    static abstract TVector BroadcastBits(uint bits);

    /// <summary>Loads <see cref="Count"/> consecutive fp32 values (or 32-bit patterns).</summary>
    static abstract TVector Load(ref float source);

    /// <summary>Loads <c>4 · Count</c> consecutive bytes.</summary>
    static abstract TVector LoadBytes(ref byte source);

    /// <summary>
    /// Loads <c>8 · Count</c> consecutive bytes, each XORed with the matching byte of
    /// <paramref name="flip"/>, as two vectors, with one load of twice the width where the machine
    /// has one: a stream read a whole cache line per load comes from memory faster than one read
    /// half a line at a time.
    /// </summary>
    static abstract (TVector First, TVector Second) LoadBytePair(ref byte source, TVector flip);

    /// <summary>Stores <see cref="Count"/> fp32 values.</summary>
    static abstract void Store(TVector value, ref float destination);

    /// <summary>Loads <see cref="Count"/> 16-bit values, each zero-extended into its 32-bit lane.</summary>
    static abstract TVector LoadWidened(ref ushort source);

    /// <summary>Stores the low 16 bits of each lane of <paramref name="lower"/>, then of <paramref name="upper"/>.</summary>
    static abstract void StoreNarrowed(TVector lower, TVector upper, ref ushort destination);

    /// <summary><c>a + b</c> in fp32.</summary>
    static abstract TVector Add(TVector a, TVector b);

    /// <summary><c>a · b</c> in fp32.</summary>
    static abstract TVector Multiply(TVector a, TVector b);

    /// <summary><c>a / b</c> in fp32, a true division.</summary>
    static abstract TVector Divide(TVector a, TVector b);

    /// <summary><c>a · b + addend</c> with one rounding.</summary>
    static abstract TVector FusedMultiplyAdd(TVector a, TVector b, TVector addend);

    /// <summary><paramref name="value"/> clamped to [min, max] (finite bounds, NaN not expected).</summary>
    static abstract TVector Clamp(TVector value, TVector min, TVector max);

    /// <summary>
    /// The sums of the lanes of four vectors at once, halves added pairwise: a few shuffles where
    /// four separate sums would each reduce a whole vector.
    /// </summary>
    static abstract Vector128<float> SumEach(TVector a, TVector b, TVector c, TVector d);

    /// <summary>Bitwise and.</summary>
    static abstract TVector And(TVector a, TVector b);

    /// <summary>Bitwise or.</summary>
    static abstract TVector Or(TVector a, TVector b);

    /// <summary>Bitwise exclusive or.</summary>
    static abstract TVector Xor(TVector a, TVector b);

    /// <summary>
    /// <c>(bits ^ flip) &amp; mask</c>: one vpternlogd where AVX-512VL is there, which takes a byte's
    /// nibble and changes its layout in one step.
    /// </summary>
    static abstract TVector XorAnd(TVector bits, TVector flip, TVector mask);

    /// <summary>Adds the 32-bit lanes as unsigned integers.</summary>
    static abstract TVector AddBits(TVector a, TVector b);

    /// <summary>Subtracts the 32-bit lanes as unsigned integers.</summary>
    static abstract TVector SubtractBits(TVector a, TVector b);

    /// <summary>Shifts each 32-bit lane left.</summary>
    static abstract TVector ShiftLeft(TVector bits, int count);

    /// <summary>Shifts each 32-bit lane right, filling with zeros.</summary>
    static abstract TVector ShiftRight(TVector bits, int count);

    /// <summary>All ones in the lanes where <c>a &gt; b</c> as unsigned 32-bit integers.</summary>
    static abstract TVector GreaterThanBits(TVector a, TVector b);

    /// <summary>The lanes of <paramref name="whenSet"/> where <paramref name="mask"/> is set, else of <paramref name="otherwise"/>.</summary>
    static abstract TVector Select(TVector mask, TVector whenSet, TVector otherwise);

    /// <summary>The lane-wise maximum as unsigned 32-bit integers.</summary>
    static abstract TVector MaxBits32(TVector a, TVector b);

    /// <summary>The lane-wise maximum as unsigned 16-bit integers (twice as many lanes).</summary>
    static abstract TVector MaxBits16(TVector a, TVector b);

    /// <summary>The largest unsigned 32-bit lane.</summary>
    static abstract uint LargestBits32(TVector lanes);

    /// <summary>The largest unsigned 16-bit lane.</summary>
    static abstract ushort LargestBits16(TVector lanes);

    /// <summary>
    /// Adds to the 32-bit integer lanes of <paramref name="accumulator"/> the products of the
    /// bytes of <paramref name="unsignedBytes"/> (0..255) with those of <paramref name="signedBytes"/>
    /// (−128..127), four products to a lane. Which products meet in which lane is the width's
    /// choice: callers only ever use the sum of all lanes.
    /// </summary>
    static abstract TVector DotBytes(TVector accumulator, TVector unsignedBytes, TVector signedBytes);

    /// <summary>
    /// The products of 4-bit codes (bytes 0 to 15) with signed bytes, summed into 32-bit lanes
    /// (each lane takes the four bytes at its place): <paramref name="low"/> · <paramref name="even"/>
    /// and <paramref name="high"/> · <paramref name="odd"/>. The two sums go to
    /// <paramref name="lowSums"/> and <paramref name="highSums"/>, or both to the first, whichever the
    /// width does faster; the caller adds the two when it is done.
    /// </summary>
    static abstract (TVector LowSums, TVector HighSums) DotNibbles(TVector lowSums, TVector highSums, TVector low, TVector even, TVector high, TVector odd);

    /// <summary>The 32-bit integer lanes converted to fp32.</summary>
    static abstract TVector ConvertInt32ToSingle(TVector lanes);

    /// <summary>
    /// Rounds four vectors of quotients (already rounded to the element type, |y| &lt; 2^bits) to
    /// integers, ties to even, clamps them to the code range and stores them as codes: a byte
    /// each, or two per byte low nibble first when <paramref name="int4"/>, XORed with
    /// <paramref name="offsetMask"/>. Clamping after both roundings gives the codes of clamping
    /// before them: rounding is monotonic and both bounds are integers representable in every
    /// element type.
    /// </summary>
    static abstract void StoreCodes(TVector a, TVector b, TVector c, TVector d, bool int4, byte offsetMask, ref byte destination);

    /// <summary>What <see cref="DecodeInt4"/> and <see cref="DecodeInt4ByParity"/> of this width take for <paramref name="format"/>.</summary>
    static abstract TVector NibbleValues(RtnFormat format);

    /// <summary>
    /// <c>2 · Count</c> consecutive 4-bit codes from <c>Count</c> bytes, in element order.
    /// <paramref name="nibbles"/> comes from <see cref="NibbleValues"/>; <paramref name="offset"/>
    /// (0x88 for the offset layout, else 0) turns every byte into the signed layout first.
    /// </summary>
    static abstract (TVector Lower, TVector Upper) DecodeInt4(ref byte source, TVector nibbles, Vector128<byte> offset);

    /// <summary>
    /// The codes of <c>Count</c> bytes split by column parity: low nibbles (even columns) and
    /// high nibbles (odd columns), lane k of each from byte k.
    /// </summary>
    static abstract (TVector Even, TVector Odd) DecodeInt4ByParity(ref byte source, TVector nibbles, Vector128<byte> offset);

    /// <summary><c>Count</c> consecutive 8-bit codes; <paramref name="offset"/> is 0x80 for the offset layout, else 0.</summary>
    static abstract TVector DecodeInt8(ref byte source, Vector128<byte> offset);
}
