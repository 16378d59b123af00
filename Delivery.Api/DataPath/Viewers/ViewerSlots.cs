using Microsoft.Extensions.Options;

namespace CmafOrigin.Delivery.Viewers;

/// <summary>The viewers this process answers now, under <see cref="DeliveryOptions.MaxViewers"/>.</summary>
/// <remarks>One counter, no lock: taking a slot is on every request's path.</remarks>
internal sealed class ViewerSlots(IOptions<DeliveryOptions> options)
{
    private readonly int _max = options.Value.MaxViewers;
    private int _open;

    public int Open => Volatile.Read(ref _open);

    /// <summary>Takes a slot; false when every slot is taken. A taken slot is given back with <see cref="Leave"/>.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _open) <= _max)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Leave() => Interlocked.Decrement(ref _open);
}
