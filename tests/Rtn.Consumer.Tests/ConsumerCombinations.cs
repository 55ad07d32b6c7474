// A combination the library does not ship, reached only through RtnKernels.For at run time.
[assembly: Rtn.RtnKernel(8, 48)]
