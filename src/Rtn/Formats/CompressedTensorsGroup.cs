namespace Rtn;

/// <summary>
/// One entry of a compressed-tensors <c>config_groups</c>: the modules it targets
/// (<c>"Linear"</c>, an exact module name, or <c>"re:REGEX"</c>) and the RTN configuration its
/// symmetric integer <c>weights</c> block describes.
/// </summary>
public sealed record CompressedTensorsGroup(string Name, IReadOnlyList<string> Targets, RtnConfig Config);
