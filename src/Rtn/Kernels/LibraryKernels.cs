// The combinations the library specializes itself: 4 and 8 bits with the group sizes models
// ship with. Projects using another combination get its kernels from the generator in their
// own build.
[assembly: Rtn.RtnKernel(4, 32)]
[assembly: Rtn.RtnKernel(4, 64)]
[assembly: Rtn.RtnKernel(4, 128)]
[assembly: Rtn.RtnKernel(4, 256)]
[assembly: Rtn.RtnKernel(4, -1)]
[assembly: Rtn.RtnKernel(8, 32)]
[assembly: Rtn.RtnKernel(8, 64)]
[assembly: Rtn.RtnKernel(8, 128)]
[assembly: Rtn.RtnKernel(8, 256)]
[assembly: Rtn.RtnKernel(8, -1)]
