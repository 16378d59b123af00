using System.Text.Json;
using System.Text.Json.Serialization;

namespace CmafOrigin.Contracts.Archive;

/// <summary>The JSON of run.json and of journal lines: camelCase, enums as lower-case strings, nulls left out.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ArchiveRun))]
[JsonSerializable(typeof(ArchivedSegment))]
public sealed partial class ArchiveJson : JsonSerializerContext;
