using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Rtn.Gpu.Kernels;
using Rtn.Kernels.Generated;

namespace Rtn.Gpu.Tests;

/// <summary>
/// Compiles every kernel to PTX for sm_80 (vLLM's floor for RTN) without a GPU, through ILGPU's
/// PTX backend with the accelerator's own context settings: proof that nothing in a kernel needs
/// the managed runtime, and a look at the instructions the spec depends on.
/// </summary>
public sealed class PtxCompilationTests : IDisposable
{
    private readonly Context context = Context.Create(builder => RtnAccelerator.Configure(builder));
    private readonly PTXBackend backend;

    public PtxCompilationTests() => backend = new PTXBackend(context, CudaArchitecture.SM_80, CudaInstructionSet.ISA_80, null!);

    public static TheoryData<string, Type, Type, Type> Kernels()
    {
        var data = new TheoryData<string, Type, Type, Type>();
        foreach (var scheme in new[] { typeof(RuntimeScheme), typeof(Q4G32), typeof(Q4G128), typeof(Q8Row) })
        {
            foreach (var (element, raw) in new[] { (typeof(Float32Element), typeof(float)), (typeof(Float16Element), typeof(ushort)), (typeof(BFloat16Element), typeof(ushort)) })
            {
                foreach (var name in new[] { "QuantizeGroups", "QuantizeScales", "QuantizeCodes", "DequantizeChunks", "DequantizeElements", "MatMulChunks", "MatMulElements" })
                {
                    data.Add(name, scheme, element, raw);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Kernel_CompilesToPtxWithoutApproximateOrFlushingMath(string name, Type scheme, Type element, Type raw)
    {
        var ptx = Compile(name, scheme, element, raw);

        ptx.ShouldContain(".entry");
        ptx.ShouldNotContain(".approx");
        ptx.ShouldNotContain(".ftz");
        ptx.ShouldNotContain("div.full");
    }

    [Theory]
    [InlineData("QuantizeGroups")]
    [InlineData("QuantizeCodes")]
    public void Quantize_DividesWithIeeeRounding(string name)
    {
        var ptx = Compile(name, typeof(Q4G128), typeof(Float16Element), typeof(ushort));

        ptx.ShouldContain("div.rn.f32");
    }

    [Fact]
    public void QuantizeGroups_Q4G128_FoldsTheSchemeConstants()
    {
        // fp32(1/15) appears as an immediate, and 2m is an addition, not a multiplication that
        // the optimizer could fold into the reciprocal.
        var ptx = Compile("QuantizeGroups", typeof(Q4G128), typeof(BFloat16Element), typeof(ushort));

        ptx.ShouldContain("0f3D888889");
        ptx.ShouldNotContain("0f3E088889");
    }

    public void Dispose()
    {
        backend.Dispose();
        context.Dispose();
    }

    private string Compile(string name, Type scheme, Type element, Type raw)
    {
        var owner = name.StartsWith("Quantize", StringComparison.Ordinal) ? typeof(QuantizeKernels)
            : name.StartsWith("Dequantize", StringComparison.Ordinal) ? typeof(DequantizeKernels)
            : typeof(MatMulKernels);
        var definition = owner.GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
        var method = name == "MatMulChunks"
            ? definition.MakeGenericMethod(scheme, element, raw, typeof(FourActivationRows))
            : definition.MakeGenericMethod(scheme, element, raw);
        var entry = method.GetParameters()[0].ParameterType == typeof(Index1D)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(method)
            : EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, default(KernelSpecialization));
        return compiled.PTXAssembly;
    }
}
