using System.Text.Json;
using System.Text.Json.Serialization;

namespace CmafOrigin.Delivery.Status;

/// <summary>Source-generated JSON for the snapshot: camelCase, compact (one line, as a server-sent event's data needs).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(StatusSnapshot))]
internal sealed partial class StatusJsonContext : JsonSerializerContext;
