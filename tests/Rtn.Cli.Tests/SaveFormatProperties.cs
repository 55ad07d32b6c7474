using System.Runtime.InteropServices;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Rtn.Cli.Pipeline.Formats;
using Rtn.Safetensors;

namespace Rtn.Cli.Tests;

/// <summary>
/// Over random shapes, bits, group sizes and values: every save format stores the reference's
/// codes and scales, and reading the compressed-tensors tensors back gives the shape and
/// configuration they were written with, from the tensors alone (up to 4 columns fill one word
/// at 4 and at 8 bits alike, so there the config has to say which).
/// </summary>
public class SaveFormatProperties
{
    [Property(MaxTest = 200)]
    public Property CompressedTensors_AnyWeight_ReadsBackTheShapeConfigCodesAndScales() =>
        Prop.ForAll(Weights(), sample =>
        {
            var (tensor, config) = sample;
            var shape = WeightShape.FromDimensions(tensor.Shape);
            var expected = Reference.Quantize(tensor, config, RtnFormat.Offset);
            var declared = QuantizedOutputs.Declare(SaveFormat.CompressedTensors, RtnFormat.Signed, "layer.weight", SafetensorsDType.F32, config, shape);
            ReadOnlyMemory<byte>[] encoded =
            [
                QuantizedOutputs.EncodeCodes(SaveFormat.CompressedTensors, config, shape.TotalRows, shape.Columns, expected.Packed),
                .. QuantizedOutputs.EncodeFromScales(SaveFormat.CompressedTensors, SafetensorsDType.F32, config, shape, expected.Scales),
            ];

            using var temp = new TempFolder();
            using (var writer = SafetensorsWriter.Create(temp["q.safetensors"], declared, new Dictionary<string, string>()))
            {
                for (var i = 0; i < declared.Length; i++)
                {
                    writer.Write(declared[i].Name, encoded[i].Span);
                }

                writer.Commit();
            }

            using var file = SafetensorsFile.Open(temp["q.safetensors"]);
            var shapeTensor = file["layer.weight_shape"];
            var (readShape, readConfig) = CompressedTensorsWeight.Describe(
                "layer", file["layer.weight_packed"], file["layer.weight_scale"], shapeTensor, file.GetBytes(shapeTensor), shape.Columns > 4 ? null : config);

            readShape.ShouldBe(shape);
            readConfig.Bits.ShouldBe(config.Bits);
            readConfig.GroupSizeFor(shape.Columns).ShouldBe(config.GroupSizeFor(shape.Columns));
            PackedWords.ToOffsetCodes(encoded[0].Span, shape.TotalRows, shape.Columns, config.Bits).ShouldBe(expected.Packed);
            encoded[1].ToArray().ShouldBe(expected.Scales);
        });

    [Property(MaxTest = 200)]
    public Property Mlx_AnyWeight_BiasesAreMinusHalfTheLevelsTimesEachScale() =>
        Prop.ForAll(Weights(), sample =>
        {
            var (tensor, config) = sample;
            var shape = WeightShape.FromDimensions(tensor.Shape);
            var expected = Reference.Quantize(tensor, config, RtnFormat.Offset);
            ReadOnlyMemory<byte>[] encoded =
            [
                QuantizedOutputs.EncodeCodes(SaveFormat.Mlx, config, shape.TotalRows, shape.Columns, expected.Packed),
                .. QuantizedOutputs.EncodeFromScales(SaveFormat.Mlx, SafetensorsDType.F32, config, shape, expected.Scales),
            ];

            var scales = MemoryMarshal.Cast<byte, float>(encoded[1].Span).ToArray();
            MemoryMarshal.Cast<byte, float>(encoded[2].Span).ToArray().ShouldBe(scales.Select(s => -(1 << (config.Bits - 1)) * s).ToArray());
            encoded[0].ToArray().ShouldBe(PackedWords.FromOffsetCodes(expected.Packed, shape.TotalRows, shape.Columns, config.Bits));
        });

    private static Arbitrary<(TestTensor Tensor, RtnConfig Config)> Weights() =>
        (from bits in Gen.Elements(4, 8)
         from experts in Gen.Elements(0, 0, 2)
         from halfRows in Gen.Choose(1, 4)
         from groupSize in Gen.Elements(2, 4, 8, 16, 32)
         from groups in Gen.Choose(1, 4)
         from perRow in Gen.Elements(false, false, true)
         let columns = groupSize * groups
         let dims = experts == 0 ? new long[] { halfRows * 2, columns } : [experts, halfRows * 2, columns]
         from values in Gen.ArrayOf(Gen.Choose(-1000, 1000).Select(v => v / 64f), (int)dims.Aggregate(1L, (a, b) => a * b))
         select (new TestTensor("layer.weight", SafetensorsDType.F32, dims, values), new RtnConfig(bits, perRow ? RtnConfig.PerRow : groupSize))).ToArbitrary();
}
