using Rtn.Cli;
using Rtn.Cli.Rendering;

using var interruption = Interruption.ForProcess();
return RtnTool.Run(args, ToolConsole.ForProcess(), interruption);
