using System.Numerics;

namespace DataForge.Imaging;

/// <summary>A computation written once for every voxel element type.</summary>
public interface IVoxelFunction<out TResult>
{
    TResult Invoke<T>() where T : unmanaged, INumber<T>, IMinMaxValue<T>;
}
