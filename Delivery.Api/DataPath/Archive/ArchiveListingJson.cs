using System.Text.Json;
using System.Text.Json.Serialization;

namespace CmafOrigin.Delivery.Archive;

/// <summary>Source-generated JSON of the archive listing: camelCase, nulls written (a live run's <c>endedAt</c> and URLs are null, not absent).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<ArchiveRunEntry>))]
internal sealed partial class ArchiveListingJson : JsonSerializerContext;
