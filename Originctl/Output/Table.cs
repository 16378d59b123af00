namespace CmafOrigin.Originctl.Output;

/// <summary>Rows printed as aligned columns under upper-case headings, two spaces apart; numbers right-aligned.</summary>
internal sealed class Table(params string[] headings)
{
    private readonly List<string[]> _rows = [];
    private readonly bool[] _rightAligned = new bool[headings.Length];

    /// <summary>Right-aligns the columns at <paramref name="columns"/> (counts, sizes, rates).</summary>
    public Table AlignRight(params int[] columns)
    {
        foreach (var column in columns)
        {
            _rightAligned[column] = true;
        }

        return this;
    }

    public void Add(params string[] cells)
    {
        if (cells.Length != headings.Length)
        {
            throw new ArgumentException($"a row has {headings.Length} cells", nameof(cells));
        }

        _rows.Add([.. cells.Select(Printable.Of)]);
    }

    public void WriteTo(TextWriter output)
    {
        var widths = new int[headings.Length];
        foreach (var row in _rows.Prepend(headings))
        {
            for (var i = 0; i < row.Length; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        foreach (var row in _rows.Prepend(headings))
        {
            var cells = row.Select((cell, i) => _rightAligned[i] ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
            output.WriteLine(string.Join("  ", cells).TrimEnd());
        }
    }
}
