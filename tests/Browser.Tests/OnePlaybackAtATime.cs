namespace CmafOrigin.Browser.Tests;

/// <summary>
/// The tests that encode and play a stream run one at a time: an encoder, the origin and a decoding browser
/// already share the two cores of a CI machine, and a latency measured under a second such load would measure the load.
/// </summary>
[CollectionDefinition(nameof(OnePlaybackAtATime))]
public sealed class OnePlaybackAtATime;
