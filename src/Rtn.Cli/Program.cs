using Rtn.Cli;
using Rtn.Cli.Rendering;

return RtnTool.Run(args, ToolConsole.ForProcess());
