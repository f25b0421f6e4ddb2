using DataForge.Stages.Deidentify;

namespace DataForge.Stages.Tests.Deidentify;

public sealed class KeyedIdentityTests
{
    private static readonly KeyedIdentity Keys = new("0123456789abcdef0123456789abcdef"u8.ToArray());

    [Fact]
    public void A_uid_maps_to_the_same_2_25_uid_every_time_and_differently_under_another_secret()
    {
        var uid = Keys.Uid("1.2.826.0.1.3680043.2.1125.1");
        Assert.Matches(@"^2\.25\.[1-9][0-9]{0,38}$", uid);
        Assert.True(uid.Length <= 64);
        Assert.Equal(uid, Keys.Uid("1.2.826.0.1.3680043.2.1125.1"));
        Assert.NotEqual(uid, new KeyedIdentity("another-secret-of-enough-length!"u8.ToArray()).Uid("1.2.826.0.1.3680043.2.1125.1"));
    }

    [Fact]
    public void Date_offsets_are_never_zero_and_stay_within_the_limit()
    {
        var offsets = Enumerable.Range(0, 500).Select(i => Keys.DateOffsetDays($"patient-{i}", 30)).ToList();
        Assert.DoesNotContain(0, offsets);
        Assert.All(offsets, o => Assert.InRange(o, -30, 30));
        Assert.True(offsets.Distinct().Count() > 40, "offsets spread over the range");
    }

    [Theory]
    [InlineData("20200301", -1, "20200229")]
    [InlineData("20201231120000.5", 1, "20210101120000.5")]
    [InlineData("garbage", 5, "19000101")]
    public void Dates_and_datetimes_shift_by_whole_days(string value, int days, string expected) =>
        Assert.Equal(expected, Deidentifier.ShiftDate(value, days));
}
