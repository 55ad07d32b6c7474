// A combination neither library specializes: the generator gives this project its scheme, its CPU
// registration and its GPU kernel class.
[assembly: Rtn.RtnKernel(4, 8)]
