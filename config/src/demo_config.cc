// The configuration `bidline serve` runs when given none: two advertisers,
// three campaigns and eight line items covering every media type, with
// flights wide enough (2024..2030) that it bids whenever it is started. The
// open 300x250 line item has no geo or device targeting so that the OpenRTB
// 2.6 spec's simple banner example (§6.2.1) gets a bid out of the box; the
// leaderboard and video line items likewise answer the spec's mobile and
// video examples. Markup is realistic but points at example domains.
// Two line items bid from the click model the binary carries
// (config/demo/README.md; serve installs it and sets [models] click, which
// this text leaves out): the open 300x250 at cpc x pCTR (manual_cpc) and the
// native one at target_cpa x pCTR x pCVR. Both keep a manual cpm as the
// conservative fallback when no model scores them.
#include "bidline/config/config.h"

namespace bidline {

namespace {

constexpr std::string_view kDemoToml =
    R"toml(# bidline demo configuration (embedded; see config/README.md for every key)

[engine]
listen = "127.0.0.1:8080"
shards = 0                      # one per core
data_dir = "data"
control_tick_ms = 250

[engine.limits]
max_header_bytes = 8192
max_body_bytes = 65536
max_connections_per_shard = 4096
idle_timeout_ms = 30000
header_timeout_ms = 5000
body_timeout_ms = 10000

# ---------------------------------------------------------------- advertisers

[[advertiser]]
id = "adv-acme"
name = "Acme Outdoor Gear"
currency = "USD"
timezone = "America/New_York"
domains = ["acme.com"]

[[advertiser]]
id = "adv-globex"
name = "Globex Streaming"
currency = "USD"
timezone = "Europe/London"
domains = ["globex.tv"]

# ------------------------------------------------------------------ campaigns

[[campaign]]
id = "cmp-acme-always-on"
advertiser = "adv-acme"
name = "Acme always-on display"
daily_budget = 900.0
start = 2024-01-01
end = 2030-12-31
pacing = "even"

[[campaign]]
id = "cmp-acme-video-launch"
advertiser = "adv-acme"
name = "Acme trail-shoe launch video"
daily_budget = 400.0
lifetime_budget = 500000.0
start = 2024-01-01
end = 2030-12-31
pacing = "traffic"

[[campaign]]
id = "cmp-globex-audience"
advertiser = "adv-globex"
name = "Globex subscriber growth"
daily_budget = 600.0
start = 2024-01-01
end = 2030-12-31
pacing = "front_loaded"

# ----------------------------------------------------------------- line items

# Open medium rectangle: no geo, device or domain targeting, so any 300x250
# banner request with a floor below its price can get a bid (the OpenRTB 2.6
# spec's simple banner example among them). Priced by the click model:
# cpc x pCTR x 1000, about 1.50 CPM at the median pCTR of `bidline demo`'s
# traffic (0.77%); 1.50 when no model scores it.
[[line_item]]
id = "li-acme-mrec-open"
campaign = "cmp-acme-always-on"
name = "Acme 300x250 run of network"
daily_budget = 300.0
[line_item.bid]
strategy = "manual_cpc"
cpc = 0.20
cpm = 1.50
max_cpm = 3.00
[line_item.targeting]
media = ["banner"]
sizes = ["300x250"]
[[line_item.creative]]
id = "cr-acme-mrec-1"
format = "banner"
w = 300
h = 250
categories = ["IAB17"]
markup = '<a href="https://acme.com/trail?utm_source=bidline" target="_blank"><img src="https://cdn.acme.com/ads/trail-300x250.png" width="300" height="250" alt="Acme trail shoes"></a>'

[[line_item]]
id = "li-acme-leaderboard"
campaign = "cmp-acme-always-on"
name = "Acme 728x90 leaderboard"
daily_budget = 200.0
[line_item.bid]
strategy = "manual_cpm"
cpm = 2.20
[line_item.targeting]
media = ["banner"]
sizes = ["728x90"]
[[line_item.creative]]
id = "cr-acme-leader-1"
format = "banner"
w = 728
h = 90
categories = ["IAB17"]
markup = '<a href="https://acme.com/?utm_source=bidline" target="_blank"><img src="https://cdn.acme.com/ads/brand-728x90.png" width="728" height="90" alt="Acme Outdoor Gear"></a>'

[[line_item]]
id = "li-acme-mobile-banner"
campaign = "cmp-acme-always-on"
name = "Acme 320x50 mobile, North America"
daily_budget = 150.0
[line_item.bid]
strategy = "manual_cpm"
cpm = 0.80
[line_item.targeting]
media = ["banner"]
sizes = ["320x50"]
countries = ["USA", "CAN"]
device_types = [1, 4, 5]
os = ["ios", "android"]
[[line_item.creative]]
id = "cr-acme-mobile-1"
format = "banner"
w = 320
h = 50
categories = ["IAB17"]
markup = '<a href="https://acme.com/app?utm_source=bidline" target="_blank"><img src="https://cdn.acme.com/ads/app-320x50.png" width="320" height="50" alt="Get the Acme app"></a>'

[[line_item]]
id = "li-acme-skyscraper-eu"
campaign = "cmp-acme-always-on"
name = "Acme 160x600 UK and Germany"
daily_budget = 100.0
[line_item.bid]
strategy = "manual_cpm"
cpm = 1.10
[line_item.targeting]
media = ["banner"]
sizes = ["160x600"]
countries = ["GBR", "DEU"]
domains_block = ["example-competitor.com"]
[[line_item.creative]]
id = "cr-acme-sky-1"
format = "banner"
w = 160
h = 600
categories = ["IAB17"]
markup = '<a href="https://acme.com/eu?utm_source=bidline" target="_blank"><img src="https://cdn.acme.com/ads/eu-160x600.png" width="160" height="600" alt="Acme in Europe"></a>'

# Private marketplace: bids only inside the deal, at a premium price.
[[line_item]]
id = "li-acme-pmp-deal"
campaign = "cmp-acme-always-on"
name = "Acme premium publisher deal"
daily_budget = 250.0
[line_item.bid]
strategy = "manual_cpm"
cpm = 6.00
[line_item.targeting]
media = ["banner"]
sizes = ["300x250", "728x90"]
deals = ["deal-acme-pmp-1"]
[[line_item.creative]]
id = "cr-acme-pmp-mrec"
format = "banner"
w = 300
h = 250
categories = ["IAB17"]
markup = '<a href="https://acme.com/premium?utm_source=bidline" target="_blank"><img src="https://cdn.acme.com/ads/premium-300x250.png" width="300" height="250" alt="Acme premium"></a>'
[[line_item.creative]]
id = "cr-acme-pmp-leader"
format = "banner"
w = 728
h = 90
categories = ["IAB17"]
markup = '<a href="https://acme.com/premium?utm_source=bidline" target="_blank"><img src="https://cdn.acme.com/ads/premium-728x90.png" width="728" height="90" alt="Acme premium"></a>'

[[line_item]]
id = "li-acme-video-preroll"
campaign = "cmp-acme-video-launch"
name = "Acme 30s pre-roll"
[line_item.bid]
strategy = "manual_cpm"
cpm = 5.50
[line_item.targeting]
media = ["video"]
[[line_item.creative]]
id = "cr-acme-video-30s"
format = "video"
w = 640
h = 480
mime = "video/mp4"
categories = ["IAB17"]
markup = '''
<VAST version="4.0" xmlns="http://www.iab.com/VAST">
  <Ad id="cr-acme-video-30s">
    <InLine>
      <AdSystem version="0.1">bidline</AdSystem>
      <Error><![CDATA[https://track.acme.com/vast/error?code=[ERRORCODE]]]></Error>
      <Impression id="imp"><![CDATA[https://track.acme.com/vast/impression?price=${AUCTION_PRICE}]]></Impression>
      <AdServingId>cr-acme-video-30s</AdServingId>
      <AdTitle>Acme trail shoes</AdTitle>
      <Advertiser>Acme Outdoor Gear</Advertiser>
      <Creatives>
        <Creative id="cr-acme-video-30s" adId="cr-acme-video-30s">
          <UniversalAdId idRegistry="acme.com">ACME-TRAIL-0030</UniversalAdId>
          <Linear>
            <Duration>00:00:30</Duration>
            <TrackingEvents>
              <Tracking event="start"><![CDATA[https://track.acme.com/vast/start]]></Tracking>
              <Tracking event="complete"><![CDATA[https://track.acme.com/vast/complete]]></Tracking>
            </TrackingEvents>
            <VideoClicks>
              <ClickThrough id="click"><![CDATA[https://acme.com/trail?utm_source=bidline&utm_medium=video]]></ClickThrough>
            </VideoClicks>
            <MediaFiles>
              <MediaFile delivery="progressive" type="video/mp4" width="640" height="480" bitrate="1200"><![CDATA[https://cdn.acme.com/video/trail-30s-640x480.mp4]]></MediaFile>
            </MediaFiles>
          </Linear>
        </Creative>
      </Creatives>
    </InLine>
  </Ad>
</VAST>'''

# Bids for sign-ups: target_cpa x pCTR x pCVR x 1000 (pCVR is the line
# item's smoothed CVR, 5% before any conversion), about 3.00 CPM; 3.00 when
# no model scores it.
[[line_item]]
id = "li-globex-native-feed"
campaign = "cmp-globex-audience"
name = "Globex in-feed native"
daily_budget = 300.0
[line_item.bid]
strategy = "target_cpa"
target_cpa = 8.00
cpm = 3.00
max_cpm = 6.00
[line_item.targeting]
media = ["native"]
countries = ["USA", "GBR", "DEU"]
[[line_item.creative]]
id = "cr-globex-native-1"
format = "native"
categories = ["IAB1-5"]
markup = '{"native":{"ver":"1.2","assets":[{"id":1,"title":{"text":"Stream every season, ad-free"}},{"id":2,"img":{"url":"https://cdn.globex.tv/native/hero-1200x627.jpg","w":1200,"h":627}},{"id":3,"data":{"type":2,"value":"Your first month of Globex is on us."}},{"id":4,"data":{"type":1,"value":"Globex Streaming"}}],"link":{"url":"https://globex.tv/join?utm_source=bidline"},"eventtrackers":[{"event":1,"method":1,"url":"https://track.globex.tv/native/impression?price=${AUCTION_PRICE}"}]}}'

[[line_item]]
id = "li-globex-audio-spots"
campaign = "cmp-globex-audience"
name = "Globex 15s audio spots"
daily_budget = 200.0
[line_item.bid]
strategy = "manual_cpm"
cpm = 4.00
[line_item.targeting]
media = ["audio"]
[[line_item.creative]]
id = "cr-globex-audio-15s"
format = "audio"
mime = "audio/mpeg"
categories = ["IAB1-5"]
markup = '''
<VAST version="4.1" xmlns="http://www.iab.com/VAST">
  <Ad id="cr-globex-audio-15s" adType="audio">
    <InLine>
      <AdSystem version="0.1">bidline</AdSystem>
      <Impression id="imp"><![CDATA[https://track.globex.tv/audio/impression?price=${AUCTION_PRICE}]]></Impression>
      <AdServingId>cr-globex-audio-15s</AdServingId>
      <AdTitle>Globex 15s spot</AdTitle>
      <Advertiser>Globex Streaming</Advertiser>
      <Creatives>
        <Creative id="cr-globex-audio-15s" adId="cr-globex-audio-15s">
          <UniversalAdId idRegistry="globex.tv">GLOBEX-SPOT-0015</UniversalAdId>
          <Linear>
            <Duration>00:00:15</Duration>
            <TrackingEvents>
              <Tracking event="complete"><![CDATA[https://track.globex.tv/audio/complete]]></Tracking>
            </TrackingEvents>
            <VideoClicks>
              <ClickThrough id="click"><![CDATA[https://globex.tv/join?utm_source=bidline&utm_medium=audio]]></ClickThrough>
            </VideoClicks>
            <MediaFiles>
              <MediaFile delivery="progressive" type="audio/mpeg" bitrate="128"><![CDATA[https://cdn.globex.tv/audio/spot-15s.mp3]]></MediaFile>
            </MediaFiles>
          </Linear>
        </Creative>
      </Creatives>
    </InLine>
  </Ad>
</VAST>'''
)toml";

}  // namespace

std::string_view demo_config_toml() { return kDemoToml; }

Config load_demo_config() { return load_config_text(kDemoToml, "<demo>"); }

}  // namespace bidline
