using CmafOrigin.Contracts.Paths;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace CmafOrigin.Contracts.Tests.Paths;

/// <summary>Properties of <see cref="ObjectPath"/> over generated request targets, valid and hostile.</summary>
public sealed class ObjectPathPropertyTests
{
    private const string Allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

    /// <summary>Characters a path may never hold: '%' (encodings), '\' and NUL among them; '/', '?' and '#' are structure, not content.</summary>
    private static readonly char[] Forbidden =
    [
        '%', '\\', '\0', ' ', '\t', '\r', '\n', ':', '@', '{', '}', '+', '~', '!', '$', '&', '\'', '(', ')', '*', ',', ';', '=',
        '"', '<', '>', '[', ']', '^', '`', '|', '\u007f', '\u00e9', '\u00c0', '\u00ae', '\u2024', '\u2215', '\uff0e', '\ufeff', '\ud83d',
    ];

    [Property(MaxTest = 2000)]
    public bool TryParse_AnyString_NeverThrows_AndGivesAReasonExactlyWhenItRefuses(string? raw) =>
        ObjectPath.TryParse(raw ?? string.Empty, out _, out var error) == (error is null);

    [Property(MaxTest = 2000)]
    public Property TryParse_AnyTargetAccepted_IsWithinTheRules() =>
        Prop.ForAll(Targets().ToArbitrary(), raw =>
        {
            if (!ObjectPath.TryParse(raw, out var path, out _))
            {
                return true;
            }

            var segments = path.Value.Split('/');
            return path.Value.Length <= ObjectPath.MaxLength
                && segments.Length <= ObjectPath.MaxSegments
                && segments.All(segment => segment.Length > 0 && segment is not "." and not "..")
                && path.Value.All(c => c == '/' || Allowed.Contains(c, StringComparison.Ordinal));
        });

    [Property(MaxTest = 1000)]
    public Property TryParse_ValidPath_IsAcceptedAndRoundTrips() =>
        Prop.ForAll(ValidPaths().ToArbitrary(), Queries().ToArbitrary(), (value, query) =>
        {
            var accepted = ObjectPath.TryParse("/" + value + query, out var path, out var error);
            var again = ObjectPath.Parse("/" + path.Value);
            return (accepted && path.Value == value && again == path
                    && (path.Channel.Length == 0 ? path.Name : $"{path.Channel}/{path.Name}") == value)
                .Label($"{value}{query}: {error}");
        });

    [Property(MaxTest = 1000)]
    public Property TryParse_ValidPathWithAForbiddenCharacterAnywhere_IsRefused() =>
        Prop.ForAll(ValidPaths().ToArbitrary(), Gen.Elements(Forbidden).ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (value, bad, at) =>
        {
            var position = at % (value.Length + 1);
            var raw = "/" + value.Insert(position, bad.ToString());
            return (!ObjectPath.TryParse(raw, out _, out var error) && error is not null).Label(raw);
        });

    [Property(MaxTest = 1000)]
    public Property TryParse_ValidPathWithADotSegmentOrEmptySegment_IsRefused() =>
        Prop.ForAll(ValidPaths().ToArbitrary(), Gen.Elements(".", "..", string.Empty).ToArbitrary(), Gen.Choose(0, 100).ToArbitrary(), (value, segment, at) =>
        {
            var segments = value.Split('/').ToList();
            segments.Insert(at % (segments.Count + 1), segment);
            var raw = "/" + string.Join('/', segments);
            return (!ObjectPath.TryParse(raw, out _, out _)).Label(raw);
        });

    [Property(MaxTest = 500)]
    public Property TryParse_PercentEncodingOfAnyByte_IsRefused() =>
        Prop.ForAll(ValidPaths().ToArbitrary(), Gen.Choose(0, 255).ToArbitrary(), Gen.Choose(0, 1).ToArbitrary(), (value, b, twice) =>
        {
            // %2e%2e, %2f, %5c, %00, %c0%ae... and their double encodings (%252e): none may pass.
            var encoded = twice == 1 ? $"%25{b:x2}" : $"%{b:X2}";
            var raw = $"/{value}/{encoded}x.m4s";
            return (!ObjectPath.TryParse(raw, out _, out _)).Label(raw);
        });

    [Property(MaxTest = 300)]
    public Property TryParse_TooLongOrTooDeep_IsRefused() =>
        Prop.ForAll(Gen.Choose(ObjectPath.MaxLength + 1, ObjectPath.MaxLength * 4).ToArbitrary(), Gen.Choose(ObjectPath.MaxSegments + 1, 64).ToArbitrary(), (length, depth) =>
        {
            var tooLong = "/" + new string('a', length);
            var tooDeep = "/" + string.Join('/', Enumerable.Repeat("a", depth));
            return !ObjectPath.TryParse(tooLong, out _, out _) && !ObjectPath.TryParse(tooDeep, out _, out _);
        });

    /// <summary>Paths made only of allowed characters, within the limits, without dot segments.</summary>
    private static Gen<string> ValidPaths()
    {
        var segment = Gen.Choose(1, 12)
            .SelectMany(length => Gen.Elements(Allowed.ToCharArray()).ArrayOf(length))
            .Select(chars => new string(chars))
            .Where(s => s is not "." and not "..");
        return Gen.Choose(1, ObjectPath.MaxSegments)
            .SelectMany(count => segment.ArrayOf(count))
            .Select(segments => string.Join('/', segments))
            .Where(path => path.Length <= ObjectPath.MaxLength);
    }

    private static Gen<string> Queries() => Gen.Elements(string.Empty, "?", "?token=a%2e%2e/..", "#frag", "?x=1#y");

    /// <summary>Anything a client might put in a target: valid paths, hostile fragments glued together, and random text.</summary>
    private static Gen<string> Targets()
    {
        string[] fragments = ["/", "..", ".", "%2e", "%2E%2E", "%2f", "%252e", "\\", "\0", "%00", "%c0%ae", "a", "live", "out.mpd", "?", "#", "//", "é", " "];
        var glued = Gen.Elements(fragments).ListOf().Select(parts => string.Concat(parts));
        var random = ArbMap.Default.GeneratorFor<string>().Where(s => s is not null);
        return Gen.OneOf(ValidPaths().Select(p => "/" + p), glued, glued.Select(s => "/" + s), random);
    }
}
