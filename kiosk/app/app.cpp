// Index:
//   [SECTION] Clock, ids, logging
//   [SECTION] Devices (simulated card, outbox)
//   [SECTION] The app: effects, events, frame loop
#include "kiosk/app/app.h"

#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <vector>

#include <SDL.h>
#include <imgui.h>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include "kiosk/app/admin_mode.h"
#include "kiosk/app/card_worker.h"
#include "kiosk/app/cardfront_worker.h"
#include "kiosk/app/event_inbox.h"
#include "kiosk/app/face_worker.h"
#include "kiosk/app/queue_worker.h"
#include "kiosk/app/reception_link.h"
#include "kiosk/app/sim_reader.h"
#include "kiosk/app/staff_link.h"
#include "kiosk/cardfront/typed_entry.h"
#include "kiosk/checkin/flow.h"
#include "kiosk/config/config.h"
#include "kiosk/queue/reception_client.h"
#include "kiosk/ui/admin_screens.h"
#include "kiosk/ui/fonts.h"
#include "kiosk/ui/screens.h"
#include "kiosk/ui/strings.h"
#include "platform/net/https_transport.h"
#include "platform/pcsc/pcsc.h"
#include "platform/sdl/audio.h"
#include "platform/sdl/video.h"
#include "platform/system/log.h"
#include "tools/cardsim/identity.h"
#include "tools/cardsim/photo.h"
#include "tools/cardsim/sim_card.h"
#include "tools/pki/pki.h"

namespace uk::app {

using checkin::Phase;
namespace ev = checkin::ev;
namespace fx = checkin::fx;

namespace {

// [SECTION] Clock, ids, logging

class SystemClock final : public Clock {
  public:
    SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
    WallTime wall_now() const override { return std::chrono::system_clock::now(); }
};

std::atomic<bool> g_stop{false};
void on_signal(int) {
    g_stop = true;
}

std::string new_uuid() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) std::abort();  // no randomness: never make a guessable record id
    return uuid_v4_from_bytes(b);
}

void out_line(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}
// Messages for staff and IT, to stdout (the journal under systemd), through the shared redaction pass
// (platform/system/log.h: long digit runs, PIN-, code- and token-looking values, dates) as defence in depth.
void log_line(const std::string& s) {
    out_line("UK log " + log::redact(s));
}

std::string opt_int(const std::optional<int>& v) {
    return v ? std::to_string(*v) : "-";
}

struct Stats {
    std::vector<double> frame_ms;
    double first_frame_ms = 0;
};

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    std::size_t i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

long peak_rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return 0;
}

// [SECTION] The app

class Kiosk {
  public:
    Kiosk(const AppOptions& o, config::KioskConfig cfg, std::vector<std::string> config_errors = {})
        : opt_(o), cfg_(std::move(cfg)), config_errors_(std::move(config_errors)), flow_(cfg_.flow, clock_) {
        if (opt_.card.empty()) opt_.card = cfg_.card.transport;
    }

    int run();

  private:
    std::string start_devices();  // "" when started, else what is wrong (shown on screen)
    int show_startup_problem(const std::string& title, const std::vector<std::string>& lines);
    void start_face();
    std::string face_camera() const;
    void start_card_front(const std::string& camera, std::function<std::string()> prepare = {});
    std::string demo_card_front_clip(const std::filesystem::path& dir);
    void handle_card_front_keys(const std::vector<ui::CardFrontInput>& keys);
    void fill_card_front_view(ui::ViewModel& vm);
    void start_queue(const std::filesystem::path& data);
    void dispatch(const checkin::Event& e);
    void apply(const checkin::Effect& e);
    void handle_ui(const ui::UiOutput& out);
    void demo_action(ui::DemoAction a);
    void report_state();
    void report_buttons(const std::vector<ui::ButtonRect>& buttons);
    void start_admin();
    bool ensure_fonts();
    void admin_glyphs(const ui::AdminView& v);
    std::unique_ptr<ReceptionTransport> reception_transport() const {
        return open_reception(cfg_.reception, resolve_data_dir(opt_),
                              [](const std::string& s) { log_line(s); });
    }

    AppOptions opt_;
    config::KioskConfig cfg_;
    std::vector<std::string> config_errors_;  // a configuration that did not load: shown instead of check-in
    SystemClock clock_;
    checkin::Flow flow_;
    EventInbox inbox_;
    std::atomic<std::uint64_t> epoch_{1};
    Pin pin_;  // the keypad's digits; moved to the card worker on VerifyPin, wiped on WipeSecrets

    std::unique_ptr<cardsim::SimulatedCard> sim_card_;
    std::unique_ptr<SimReader> sim_reader_;
    std::unique_ptr<pcsc::PcscTransport> pcsc_;
    std::unique_ptr<pcsc::CardMonitor> monitor_;
    std::unique_ptr<CardWorker> card_;
    std::unique_ptr<QueueWorker> outbox_;
    std::unique_ptr<StaffLink> staff_;
    double next_health_s_ = 0;
    std::unique_ptr<FaceWorker> face_;
    std::unique_ptr<CardFrontWorker> front_;
    cardfront::TypedCardFront typed_;       // the card-front keypad's entry (wiped with the session)
    std::optional<MatchCodeB> typed_code_;  // what the patient typed, until the VERIFY takes it
    const pki::IdentitySpec* demo_spec_ = nullptr;

    std::unique_ptr<sdl::Video> video_;
    std::unique_ptr<sdl::Audio> audio_;
    ui::Screens screens_;
    std::unique_ptr<AdminMode> admin_;
    std::vector<ui::ButtonRect> admin_buttons_;
    ui::FontSet fonts_;
    ui::FontFiles font_files_;
    std::string fonts_lang_;
    bool fonts_larger_ = false;
    int fonts_w_ = 0, fonts_h_ = 0;
    bool fonts_stale_ = false;                    // admin_glyphs() added characters
    std::vector<std::string> admin_extra_texts_;  // those characters
    std::set<std::uint32_t> admin_glyphs_tried_;
    bool larger_text_ = false;
    bool sound_on_ = true;

    std::string last_state_line_, last_buttons_line_;
    std::uint64_t state_lines_ = 0, buttons_after_state_ = 0;  // see report_buttons()
    std::string face_line_;                                    // guidance / prompt shown on the face screen
};

std::string Kiosk::start_devices() {
    std::filesystem::path data = resolve_data_dir(opt_);
    CardWorkerOptions co;
    co.expired_cert_grace = cfg_.flow.expired_cert_grace;
    co.min_match_code_tries = cfg_.flow.min_match_code_tries;
    co.log = [](const std::string& s) { log_line(s); };
    // The PIN path signs a challenge the reception issued (single use, bound to this kiosk), so the reception
    // can check the card's signature. Without a reception the kiosk makes one: the record still carries the
    // card's signature, and the reception that finally receives it tells staff it cannot confirm it.
    std::shared_ptr<ReceptionTransport> challenges = reception_transport();
    co.challenge = [challenges] {
        if (challenges) {
            ReceptionClient client(*challenges);
            auto issued = client.request_challenge();
            if (issued)
                return std::make_pair(issued->id,
                                      card::Bytes(issued->to_sign.begin(), issued->to_sign.end()));
            log_line("PIN path: no challenge from the reception (" + issued.error() +
                     "); using a kiosk challenge");
        }
        card::Bytes c(32);
        RAND_bytes(c.data(), static_cast<int>(c.size()));
        return std::make_pair("kiosk:" + new_uuid(), c);
    };
    if (opt_.card == "pcsc") {
        // A real reader through pcscd: the monitor thread reports insertions and removals.
        pcsc_ = std::make_unique<pcsc::PcscTransport>(cfg_.card.reader);
        card_ = std::make_unique<CardWorker>(*pcsc_, inbox_, clock_, std::move(co));
        monitor_ = std::make_unique<pcsc::CardMonitor>(
            cfg_.card.reader, [this](pcsc::CardMonitor::Event e, const std::string& reader) {
                switch (e) {
                    case pcsc::CardMonitor::Event::CardInserted:
                        inbox_.post(ev::CardInserted{new_uuid(), clock_.wall_now()});
                        break;
                    case pcsc::CardMonitor::Event::CardRemoved:
                        inbox_.post(ev::CardRemoved{});
                        break;
                    case pcsc::CardMonitor::Event::ReaderGone:
                    case pcsc::CardMonitor::Event::ServiceLost:
                        log_line(std::string("card reader ") +
                                 (e == pcsc::CardMonitor::Event::ReaderGone ? "gone: "
                                                                            : "service (pcscd) lost: ") +
                                 reader);
                        inbox_.post(ev::CardRemoved{});
                        break;
                }
            });
        monitor_->start();
        start_queue(data);
        start_face();
        start_card_front(!cfg_.camera.card_front_device.empty() ? cfg_.camera.card_front_device
                                                                : face_camera());
        return "";
    }
    if (opt_.card != "sim")
        return "unknown card transport \"" + opt_.card + "\". Fix: use --card sim or --card pcsc";
    std::filesystem::path pki_dir = data / "demo-card";
    auto gen = pki::ensure_generated(pki_dir);
    if (!gen) return "cannot prepare the demo card's test PKI in " + pki_dir.string() + ": " + gen.error();
    auto id = cardsim::load_identity(pki_dir, opt_.identity);
    if (!id) return "demo identity \"" + opt_.identity + "\": " + id.error();
    if (opt_.reset_card) cardsim::reset_counters(*id);
    if (!opt_.card_photo.empty()) {
        auto jp2 = cardsim::card_photo_from_image(opt_.card_photo);
        if (!jp2) return "demo card photo " + opt_.card_photo.string() + ": " + jp2.error();
        id->face_jp2 = std::move(*jp2);
    }
    static const std::vector<pki::IdentitySpec> specs = pki::default_identities();
    for (const auto& spec : specs)
        if (spec.name == opt_.identity) demo_spec_ = &spec;
    sim_card_ = std::make_unique<cardsim::SimulatedCard>(std::move(*id));
    sim_reader_ = std::make_unique<SimReader>(*sim_card_);
    card_ = std::make_unique<CardWorker>(*sim_reader_, inbox_, clock_, std::move(co));
    start_queue(data);
    start_face();
    // The simulated card has no front to hold up: unless a card-front camera is configured, the demo shows
    // the reader a clip of its front (rendered from the identity, the fictional design of tools/cardfront).
    if (!cfg_.camera.card_front_device.empty())
        start_card_front(cfg_.camera.card_front_device);
    else
        start_card_front("demo", [this, pki_dir] { return demo_card_front_clip(pki_dir); });
    return "";
}

// The outbox, and the reception it pushes to when one is configured.
void Kiosk::start_queue(const std::filesystem::path& data) {
    std::unique_ptr<ReceptionTransport> transport = reception_transport();
    if (!transport)
        log_line(
            "no reception configured (reception.token_file, reception.ca_file): check-ins wait in the "
            "outbox");
    outbox_ = std::make_unique<QueueWorker>(data / "outbox", std::move(transport), inbox_, clock_,
                                            [](const std::string& s) { log_line(s); });
    staff_ =
        std::make_unique<StaffLink>(reception_transport(), inbox_, [](const std::string& s) { log_line(s); });
    // The heartbeat looks at the devices just before each beat: pcscd and a reader matching card.reader (the
    // demo's simulated card is always there), and the face camera's device node (unplugged: "error").
    staff_->set_health_probe(
        [pcsc = opt_.card == "pcsc", pattern = cfg_.card.reader, cam = face_camera()](KioskHealth& h) {
            if (pcsc) {
                auto st = pcsc::reader_statuses();
                h.reader = st ? "no_reader" : "no_card_service";
                if (st)
                    for (const auto& r : *st)
                        if (pcsc::reader_matches(r.name, pattern)) h.reader = "ok";
            }
            std::string node = !cam.empty() && cam.find_first_not_of("0123456789") == std::string::npos
                                   ? "/dev/video" + cam  // a device index
                                   : cam;
            if (h.camera == "ok" && node.rfind("/dev/", 0) == 0 && !std::filesystem::exists(node))
                h.camera = "error";
        });
    // The key that signs face statements (registered with the reception at enrolment).
    auto key = KioskKey::load_or_create(data / "face-key.pem");
    if (key)
        outbox_->set_face_signer(std::make_shared<const KioskKey>(std::move(*key)));
    else
        log_line("face statements off: " + key.error() + " (face check-ins then need a staff check)");
}

// The face path: a camera (a device, or a recorded clip for the demo and tests) and the face models.
std::string Kiosk::face_camera() const {
    std::string cam = !opt_.camera.empty() ? opt_.camera : cfg_.camera.device;
    if (!cfg_.camera.enabled) cam = "none";
    if (cam == "auto") {  // the first video capture device (as the doctor and the set-up pages pick it)
        auto devices = camera::list_camera_devices();
        cam = devices.empty() ? "none" : devices.front().path;
    }
    return cam;
}

void Kiosk::start_face() {
    std::string cam = face_camera();
    std::filesystem::path models = resolve_models_dir(opt_, cfg_.face.models_dir);
    if (cam == "none" || models.empty()) {
        inbox_.post(ev::CameraStatus{false});
        log_line(std::string("face path off: ") +
                 (cam == "none" ? "no camera (--camera DEVICE|CLIP)"
                                : "no face models (scripts/setup.d/10-models.sh)") +
                 "; PIN and staff check offered");
        return;
    }
    inbox_.post(ev::CameraStatus{false});  // until the models are loaded
    FaceWorkerOptions fo;
    fo.config.models_dir = models.string();
    fo.config.landmark_model = cfg_.face.landmark_model;
    if (cfg_.face.model != "default") fo.config.embedder = cfg_.face.model;
    fo.config.threshold = cfg_.face.threshold;
    fo.camera = cam;
    fo.challenge = opt_.face_challenge;
    fo.log = [](const std::string& s) { log_line(s); };
    if (!opt_.face_challenge)
        log_line("WARNING: face challenge off (recorded clips only; never on a patient kiosk)");
    face_ = std::make_unique<FaceWorker>(std::move(fo), inbox_);
}

// The card front: a second camera looking at the reader, the face camera, or (demo) a clip of the simulated
// card's front. Without one the patient types the numbers (the flow offers the keypad).
void Kiosk::start_card_front(const std::string& camera, std::function<std::string()> prepare) {
    if (camera.empty() || camera == "none") {
        log_line("card-front camera: none; the face path asks the patient to type the card's numbers");
        return;
    }
    CardFrontWorkerOptions o;
    o.camera = camera;
    o.prepare_camera = std::move(prepare);
    o.log = [](const std::string& s) { log_line(s); };
    front_ = std::make_unique<CardFrontWorker>(std::move(o), inbox_);
}

std::string Kiosk::demo_card_front_clip(const std::filesystem::path& dir) {
    if (!demo_spec_) return "none";
    return write_demo_card_front_clip(*demo_spec_, dir, opt_.card_photo,
                                      [](const std::string& m) { log_line(m); });
}

void Kiosk::handle_card_front_keys(const std::vector<ui::CardFrontInput>& keys) {
    using Key = ui::CardFrontInput::Key;
    for (const auto& k : keys) {
        if (flow_.state().phase != Phase::CardFrontKeypad) return;
        switch (k.key) {
            case Key::Digit:
                typed_.digit(k.digit);
                break;
            case Key::Delete:
                typed_.erase();
                break;
            case Key::Calendar:
                for (auto c : cardfront::kBirthCalendars)
                    if (cardfront::to_string(c) == k.value) typed_.choose_calendar(c);
                break;
            case Key::Field:
                for (auto f : {cardfront::TypedField::Birth, cardfront::TypedField::Expiry,
                               cardfront::TypedField::Code})
                    if (cardfront::to_string(f) == k.value) typed_.select(f);
                break;
            case Key::Submit: {
                auto today = local_today();
                auto code = typed_.build(today);
                if (!code) {
                    log_line("card front typed: refused before any VERIFY (" + code.error() + ")");
                    break;
                }
                typed_code_ = std::move(*code);
                typed_.clear();
                dispatch(ev::CardFrontTyped{});
                break;
            }
        }
    }
}

void Kiosk::fill_card_front_view(ui::ViewModel& vm) {
    auto phase = flow_.state().phase;
    if (phase == Phase::ReadingCardFront && front_) {
        front_->poll(vm.card_front, vm.face, [&](const cv::Mat& m) {
            return video_->update_preview(m.data, m.cols, m.rows, static_cast<int>(m.step));
        });
    } else if (phase == Phase::CardFrontKeypad) {
        auto& v = vm.card_front;
        if (auto c = typed_.calendar()) v.calendar = std::string(cardfront::to_string(*c));
        v.birth = typed_.birth_digits();
        v.birth_length = typed_.birth_length();
        v.expiry = typed_.expiry_digits();
        v.code_length = typed_.code_length();
        v.field = std::string(cardfront::to_string(typed_.field()));
        v.problem_key = typed_.problem();
    }
}

void Kiosk::start_admin() {
    doctor::DoctorOptions d;
    d.config = cfg_;
    // As configured (not resolved): "auto" that finds nothing is a fault to report, "none" a choice.
    if (!opt_.camera.empty()) d.config.camera.device = opt_.camera;
    d.config.card.transport = opt_.card;
    d.data_dir = resolve_data_dir(opt_);
    auto files = reception_files(cfg_.reception, d.data_dir);  // an enrolment's files count
    d.config.reception.token_file = files.token_file;
    d.config.reception.ca_file = files.ca_file;
    d.models_dir = resolve_models_dir(opt_, cfg_.face.models_dir);
    if (d.models_dir.empty()) d.models_dir = "models";
    auto [host, port] = reception_endpoint(cfg_.reception.url);
    EnrolTarget et{host, port, cfg_.flow.kiosk_id, resolve_data_dir(opt_)};
    SetupContext sc;
    sc.config = cfg_;
    if (!opt_.camera.empty()) sc.config.camera.device = opt_.camera;  // --camera wins, as for the face path
    sc.data_dir = resolve_data_dir(opt_);
    sc.card_transport = opt_.card;
    sc.need_admin_pin = cfg_.admin_pin_hash.empty();
    sc.doctor = d;
    sc.enrolled = [rc = cfg_.reception, data = sc.data_dir] {  // asked every frame: files only, no connection
        auto f = reception_files(rc, data);
        return !f.token_file.empty() && !f.ca_file.empty();
    };
    sc.log = [](const std::string& s) { log_line(s); };
    admin_ = std::make_unique<AdminMode>(std::move(d), std::move(et), opt_.demo,
                                         [](const std::string& s) { log_line(s); });
    admin_->set_setup_context(std::move(sc));
    const auto& rc = cfg_.reception;
    admin_->info = {{"端末ID Kiosk", cfg_.flow.kiosk_id},
                    {"施設 Facility", cfg_.flow.facility.name},
                    {"受付サーバー Reception", rc.token_file.empty() ? "未設定 not set" : rc.url},
                    {"カード Card", opt_.card == "sim" ? "demo (simulated)" : "PC/SC " + cfg_.card.reader}};
}

void Kiosk::dispatch(const checkin::Event& e) {
    for (const auto& fx : flow_.dispatch(e))
        apply(fx);
}

void Kiosk::apply(const checkin::Effect& effect) {
    std::visit(
        [&](const auto& f) {
            using T = std::decay_t<decltype(f)>;
            if constexpr (std::is_same_v<T, fx::ReadCard>) {
                CardTask t;
                t.kind = CardTask::Kind::Read;
                t.epoch = epoch_;
                card_->submit(std::move(t));
            } else if constexpr (std::is_same_v<T, fx::CancelCardOperation>) {
                ++epoch_;
            } else if constexpr (std::is_same_v<T, fx::VerifyPin>) {
                CardTask t;
                t.kind = CardTask::Kind::VerifyPin;
                t.epoch = epoch_;
                t.pin = std::move(pin_);  // pin_ is empty (wiped) from here on
                card_->submit(std::move(t));
            } else if constexpr (std::is_same_v<T, fx::StartCardFrontScan>) {
                if (front_)
                    front_->start(epoch_);
                else
                    inbox_.post(ev::CardFrontFailed{}, epoch_);  // no camera for it: the keypad is offered
            } else if constexpr (std::is_same_v<T, fx::UnlockFacePhoto>) {
                // The code the camera read or the patient typed: moved into the card task, wiped there.
                std::optional<MatchCodeB> code = std::move(typed_code_);
                typed_code_.reset();
                if (!code && front_) code = front_->take();
                if (!code) {
                    log_line("照合番号B: nothing to VERIFY with (no reading, nothing typed)");
                    inbox_.post(ev::CardOperationFailed{CardFault::Unreadable}, epoch_);
                    return;
                }
                CardTask t;
                t.kind = CardTask::Kind::UnlockPhoto;
                t.epoch = epoch_;
                t.match_code = std::move(*code);
                card_->submit(std::move(t));
            } else if constexpr (std::is_same_v<T, fx::StartFaceCapture>) {
                auto photo = card_->take_photo();
                if (!photo) {
                    inbox_.post(ev::FaceNotMatched{}, epoch_);  // no chip photo to compare with
                } else if (!face_ || !face_->start(std::move(photo->jpeg2000), epoch_)) {
                    inbox_.post(ev::CameraLost{}, epoch_);
                }
            } else if constexpr (std::is_same_v<T, fx::StopCamera>) {
                if (face_) face_->stop();
                if (front_) front_->stop();
            } else if constexpr (std::is_same_v<T, fx::WipeSecrets>) {
                pin_.clear();
                typed_.clear();
                if (typed_code_) typed_code_->clear();
                typed_code_.reset();
                if (front_) front_->wipe();
                if (face_) face_->stop();
                ++epoch_;
                if (card_) card_->wipe();
            } else if constexpr (std::is_same_v<T, fx::RequestVisualCheck>) {
                // One request per session: the record id names it (asking again is harmless).
                const auto& ses = flow_.state().session;
                log_line("staff: visual check requested (目視確認)");
                staff_->request_visual_check(ses.record_id, ses.ticket);
            } else if constexpr (std::is_same_v<T, fx::CancelVisualCheck>) {
                log_line("staff: visual check cancelled");
                staff_->cancel_visual_check();
            } else if constexpr (std::is_same_v<T, fx::AlertStaff>) {
                // The reception's alert kinds (docs/api.md) and a line for the monitor.
                struct Kind {
                    const char* log;
                    const char* kind;
                    const char* message;
                };
                static constexpr Kind kKinds[] = {
                    {"help_requested", "staff_help",
                     "患者さんが係員を呼んでいます / a patient asks for help"},
                    {"pin_blocked", "card_blocked", "暗証番号がロックされました / the card's PIN is blocked"},
                    {"card_left_in_reader", "other", "カードの取り忘れ / a card was left in the reader"},
                    {"reception_unreachable", "other", "受付に届かず端末に保存 / check-in kept on the kiosk"},
                    {"qualification_invalid", "other", "資格が確認できません / qualification not confirmed"}};
                const Kind& k = kKinds[static_cast<int>(f.reason)];
                log_line(std::string("staff alert: ") + k.log);
                staff_->alert(k.kind, k.message);
            } else if constexpr (std::is_same_v<T, fx::SubmitRecord>) {
                std::string consents;
                for (const auto& c : f.record.consents)
                    consents += (consents.empty() ? "" : ",") + std::string(to_string(c.item)) + ":" +
                                std::string(to_string(c.answer));
                out_line("UK submit record=" + f.record.record_id +
                         " method=" + std::string(to_string(f.record.verification.method)) +
                         " consents=" + (consents.empty() ? "-" : consents));
                outbox_->submit(f.record);
            } else if constexpr (std::is_same_v<T, fx::PlaySound>) {
                if (audio_) audio_->play(f.sound);
            }
        },
        effect);
}

void Kiosk::demo_action(ui::DemoAction a) {
    switch (a) {
        case ui::DemoAction::InsertCard: {
            if (!sim_reader_ || sim_reader_->present()) return;
            CardTask t;
            t.kind = CardTask::Kind::Run;
            SimReader* r = sim_reader_.get();
            EventInbox* in = &inbox_;
            const Clock* c = &clock_;
            t.run = [r, in, c] {
                r->insert();
                in->post(ev::CardInserted{new_uuid(), c->wall_now()});
            };
            card_->submit(std::move(t));
            break;
        }
        case ui::DemoAction::RemoveCard:
            if (!sim_reader_ || !sim_reader_->present()) return;
            sim_reader_->remove();
            dispatch(ev::CardRemoved{});
            break;
        case ui::DemoAction::StaffConfirm:
            dispatch(ev::StaffConfirmed{"demo-staff"});
            break;
        case ui::DemoAction::StaffReject:
            dispatch(ev::StaffRejected{});
            break;
        case ui::DemoAction::HelpDone:
            dispatch(ev::HelpDismissed{});
            break;
    }
}

void Kiosk::handle_ui(const ui::UiOutput& out) {
    const auto& st = flow_.state();
    if (out.pin_digit && st.phase == Phase::PinEntry) pin_.push(*out.pin_digit);
    if (out.pin_delete) pin_.pop();
    if (out.pin_clear) pin_.clear();
    if (out.toggle_larger_text) larger_text_ = !larger_text_;
    if (out.toggle_sound) {
        sound_on_ = !sound_on_;
        if (audio_) audio_->set_muted(!sound_on_);
    }
    for (const auto& e : out.events)
        dispatch(e);
    handle_card_front_keys(out.card_front);
    for (auto a : out.demo)
        demo_action(a);
    // The PIN buffer only lives on the keypad screen.
    if (flow_.state().phase != Phase::PinEntry && !pin_.empty()) pin_.clear();
}

void Kiosk::report_state() {
    if (admin_ && admin_->active()) {
        std::string line = "UK state phase=" + admin_->page_name();
        if (line != last_state_line_) {
            out_line(line);
            last_state_line_ = line;
            ++state_lines_;
        }
        return;
    }
    const auto& s = flow_.state();
    std::optional<int> tries;
    if (s.session.card) tries = s.session.card->pin_tries_left;
    std::string line =
        "UK state phase=" + std::string(to_string(s.phase)) +
        " error=" + (s.error && s.phase == Phase::Error ? std::string(to_string(*s.error)) : "-") +
        " notice=" + (s.last_notice.empty() ? "-" : s.last_notice) + " lang=" + s.session.language +
        " pin_tries=" + opt_int(tries) + " ticket=" + std::to_string(s.session.ticket) +
        " offline=" + (s.session.queued_offline ? "1" : "0") +
        " consent=" + std::to_string(s.session.consent_index) +
        " picker=" + (screens_.language_picker_open() ? "1" : "0") + " larger=" + (larger_text_ ? "1" : "0") +
        " face=" + (face_line_.empty() ? "-" : face_line_);
    if (line != last_state_line_) {
        out_line(line);
        last_state_line_ = line;
        ++state_lines_;
    }
}

void Kiosk::report_buttons(const std::vector<ui::ButtonRect>& buttons) {
    std::string line = "UK buttons";
    for (const auto& b : buttons) {
        if (!b.enabled) continue;
        char buf[160];
        std::snprintf(buf, sizeof buf, " %s@%d,%d", b.id.c_str(), static_cast<int>(b.x + b.w / 2),
                      static_cast<int>(b.y + b.h / 2));
        line += buf;
    }
    // Also after every state line, even when the targets did not move: a script that saw a new state then
    // knows the next buttons line describes the screen drawn for it (the state line comes before that frame).
    if (line != last_buttons_line_ || buttons_after_state_ != state_lines_) {
        out_line(line);
        last_buttons_line_ = line;
        buttons_after_state_ = state_lines_;
    }
}

// The admin and set-up pages show text from the devices and the network (reader names, error messages): when
// a page holds a character not yet in the glyph atlas, its texts join the atlas's (each character triggers
// one rebuild at most, so a character no font has cannot make the atlas rebuild every frame).
void Kiosk::admin_glyphs(const ui::AdminView& v) {
    if (!fonts_.body) return;
    auto texts = ui::admin_view_texts(v);
    bool fresh = false;
    for (std::uint32_t cp : ui::missing_codepoints(*fonts_.body, texts))
        fresh = admin_glyphs_tried_.insert(cp).second || fresh;
    if (!fresh) return;
    admin_extra_texts_.insert(admin_extra_texts_.end(), texts.begin(), texts.end());
    fonts_stale_ = true;
}

bool Kiosk::ensure_fonts() {
    const std::string& lang = flow_.state().session.language;
    int w = video_->width(), h = video_->height();
    if (fonts_.body && lang == fonts_lang_ && larger_text_ == fonts_larger_ && w == fonts_w_ &&
        h == fonts_h_ && !fonts_stale_)
        return true;
    fonts_stale_ = false;
    auto texts = ui::screen_texts(ui::Strings::embedded(), lang, cfg_.flow.facility.name);
    texts.insert(texts.end(), admin_extra_texts_.begin(), admin_extra_texts_.end());
    std::string err;
    bool ok = video_->rebuild_fonts([&](ImFontAtlas& atlas) {
        auto set = ui::build_fonts(
            atlas, font_files_, lang, texts,
            ui::font_sizes_for(static_cast<float>(w), static_cast<float>(h), larger_text_), &err);
        if (!set) return false;
        fonts_ = *set;
        return true;
    });
    if (!ok) {
        log_line("fonts: " + err);
        return false;
    }
    if (auto miss = ui::missing_codepoints(*fonts_.body, texts); !miss.empty())
        log_line("fonts: " + std::to_string(miss.size()) + " codepoints without a glyph in " + lang);
    fonts_lang_ = lang;
    fonts_larger_ = larger_text_;
    fonts_w_ = w;
    fonts_h_ = h;
    return true;
}

// The page a kiosk shows when it cannot start: what is wrong and the fix, for IT at the screen (the same
// lines are in the journal). "Try again" exits; systemd starts the kiosk anew with the corrected file. Exit
// code 4.
int Kiosk::show_startup_problem(const std::string& title, const std::vector<std::string>& lines) {
    admin_extra_texts_ = lines;  // their characters go into the glyph atlas
    admin_extra_texts_.push_back(title);
    fonts_stale_ = true;
    out_line("UK state phase=startup_problem");
    std::vector<ui::ButtonRect> buttons;
    bool announced = false;
    int code = 4;
    while (!g_stop) {
        sdl::Input in = video_->poll();
        if (in.quit_requested && opt_.windowed) break;
        if (!ensure_fonts()) return 2;
        video_->begin_frame();
        bool retry = ui::draw_startup_problem({title, lines}, fonts_, buttons);
        video_->end_frame();
        if (!announced) {
            out_line("UK ready renderer=" + video_->renderer_name() + " startup_problem=1");
            announced = true;
        }
        report_buttons(buttons);
        if (retry) {
            log_line("startup problem: try again (exiting for a fresh start)");
            code = 0;
            break;
        }
        if (opt_.software || video_->renderer_name() == "software") SDL_Delay(16);
    }
    out_line("UK exit");
    return code;
}

int Kiosk::run() {
    auto t0 = std::chrono::steady_clock::now();
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    auto fl = ui::find_font_files();
    if (!fl.files) {
        log_line(fl.problem);
        return 2;
    }
    font_files_ = *fl.files;
    sdl::WindowOptions wo;
    wo.width = opt_.width;
    wo.height = opt_.height;
    wo.fullscreen = !opt_.windowed;
    wo.software = opt_.software;
    wo.vsync = opt_.frames == 0;
    wo.show_cursor = opt_.windowed;
    auto video = sdl::Video::open(wo);
    if (!video) {
        log_line(video.error());
        return 2;
    }
    video_ = std::move(*video);
    audio_ = std::make_unique<sdl::Audio>();
    if (!audio_->available()) log_line(audio_->problem() + " (sound cues off)");
    if (!config_errors_.empty())
        return show_startup_problem("設定ファイルの誤り The configuration file has errors", config_errors_);
    if (auto problem = start_devices(); !problem.empty()) {
        log_line(problem);
        return show_startup_problem("端末を起動できません The kiosk cannot start", {problem});
    }
    start_admin();
    // A real kiosk's first start (nothing chosen on its set-up pages yet) begins there; the demo on --setup.
    if (opt_.setup ||
        (!opt_.demo && !std::filesystem::exists(resolve_data_dir(opt_) / config::kSetupFileName))) {
        if (!opt_.setup)
            log_line("first start: no " + std::string(config::kSetupFileName) + " yet, opening the set-up");
        admin_->open_setup();
    }
    // Put the session in the configured language from the first frame (the flow sets it on every wipe).
    dispatch(ev::LanguageChanged{cfg_.flow.default_language});
    dispatch(ev::Back{});

    AdminGesture admin;
    Stats stats;
    int frame = 0;
    bool ready = false;
    auto report_ready = [&](std::chrono::steady_clock::time_point f1) {
        stats.first_frame_ms = std::chrono::duration<double, std::milli>(f1 - t0).count();
        ready = true;
        char buf[200];
        std::snprintf(buf, sizeof buf, "UK ready renderer=%s size=%dx%d first_frame_ms=%.1f",
                      video_->renderer_name().c_str(), video_->width(), video_->height(),
                      stats.first_frame_ms);
        out_line(buf);
    };
    auto start = std::chrono::steady_clock::now();
    while (!g_stop) {
        auto f0 = std::chrono::steady_clock::now();
        double now_s = std::chrono::duration<double>(f0 - start).count();
        sdl::Input in = video_->poll();
        if (in.quit_requested && opt_.windowed) break;
        bool exit_admin = false;
        for (auto [x, y] : in.presses) {
            dispatch(ev::Touch{});
            if (admin.press(x, y, static_cast<float>(video_->width()), static_cast<float>(video_->height()),
                            now_s))
                exit_admin = true;
        }
        if (exit_admin && admin_->open()) dispatch(ev::Cancel{});  // the patient's session ends first
        if (admin_->active()) {
            // Reader and queue news still count, but no check-in starts behind the admin pages (IT's test
            // card on the set-up pages must not start a patient session).
            for (auto& p : inbox_.drain())
                if (p.epoch == 0 && !std::holds_alternative<ev::CardInserted>(p.event)) dispatch(p.event);
            dispatch(ev::Tick{});
            admin_->poll([&](const cv::Mat& m) {
                return video_->update_preview(m.data, m.cols, m.rows, static_cast<int>(m.step));
            });
            ui::AdminView view = admin_->view();
            admin_glyphs(view);
            if (!ensure_fonts()) return 2;
            video_->begin_frame();
            auto keys = ui::draw_admin(view, fonts_, admin_buttons_);
            video_->end_frame();
            if (!ready) report_ready(std::chrono::steady_clock::now());  // the first start's set-up pages
            report_buttons(admin_buttons_);
            auto outcome = admin_->handle(keys);
            report_state();
            if (outcome == AdminMode::Outcome::Restart) break;  // systemd starts the kiosk again
            ++frame;
            if (opt_.frames > 0 && frame >= opt_.frames) break;
            if (opt_.frames == 0 && (opt_.software || video_->renderer_name() == "software")) SDL_Delay(16);
            continue;
        }
        for (auto& p : inbox_.drain()) {
            if (p.epoch != 0 && p.epoch != epoch_) continue;  // an answer for a cancelled operation
            dispatch(p.event);
        }
        dispatch(ev::Tick{});
        if (!ensure_fonts()) return 2;
        if (now_s >= next_health_s_ && staff_ && staff_->connected()) {
            KioskHealth h;
            h.camera = face_ ? (flow_.state().camera_ok ? "ok" : "error") : "none";
            h.reader = "ok";  // the link's probe asks pcscd before sending (start_queue)
            h.outbox_depth = outbox_ ? outbox_->pending() : 0;
            h.version = UK_VERSION;
            staff_->set_health(h);
            next_health_s_ = now_s + 5;
        }

        ui::ViewModel vm;
        vm.state = &flow_.state();
        vm.config = &flow_.config();
        vm.strings = &ui::Strings::embedded();
        vm.facility_name = cfg_.flow.facility.name;
        vm.pin_length = pin_.size();
        vm.larger_text = larger_text_;
        vm.sound_on = sound_on_;
        vm.demo = opt_.demo;
        vm.demo_card_present = sim_reader_ && sim_reader_->present();
        vm.time_s = now_s;
        if (face_ && flow_.state().phase == Phase::FaceCapture)
            face_->poll(vm.face, [&](const cv::Mat& m) {
                return video_->update_preview(m.data, m.cols, m.rows, static_cast<int>(m.step));
            });
        fill_card_front_view(vm);
        face_line_ = vm.face.challenge_key.empty() ? vm.face.guidance_key : vm.face.challenge_key;
        if (flow_.state().phase == Phase::ReadingCardFront) face_line_ = vm.card_front.guidance_key;
        if (face_line_.rfind("face.", 0) == 0) face_line_ = face_line_.substr(5);
        video_->begin_frame();
        ui::UiOutput out = screens_.draw(vm, fonts_);
        video_->end_frame();
        auto f1 = std::chrono::steady_clock::now();
        double ms = std::chrono::duration<double, std::milli>(f1 - f0).count();
        if (!ready)
            report_ready(f1);
        else
            stats.frame_ms.push_back(ms);
        report_buttons(screens_.buttons());
        handle_ui(out);
        report_state();
        ++frame;
        if (opt_.frames > 0 && frame >= opt_.frames) break;
        // Software rendering has no vsync: keep to about 60 frames per second instead of spinning.
        if (opt_.frames == 0 && (opt_.software || video_->renderer_name() == "software") && ms < 16.0)
            SDL_Delay(static_cast<Uint32>(16.0 - ms));
    }
    dispatch(ev::Cancel{});
    pin_.clear();
    face_.reset();
    front_.reset();
    staff_.reset();
    if (monitor_) monitor_->stop();
    if (!opt_.bench_json.empty()) {
        nlohmann::json j;
        j["width"] = video_->width();
        j["height"] = video_->height();
        j["renderer"] = video_->renderer_name();
        j["frames"] = stats.frame_ms.size();
        j["frame_ms_p50"] = percentile(stats.frame_ms, 0.50);
        j["frame_ms_p99"] = percentile(stats.frame_ms, 0.99);
        j["frame_ms_max"] =
            stats.frame_ms.empty() ? 0.0 : *std::max_element(stats.frame_ms.begin(), stats.frame_ms.end());
        j["first_frame_ms"] = stats.first_frame_ms;
        j["peak_rss_mib"] = static_cast<double>(peak_rss_kib()) / 1024.0;
        j["atlas"] = std::to_string(fonts_.atlas_width) + "x" + std::to_string(fonts_.atlas_height);
        std::ofstream(opt_.bench_json) << j.dump(2) << "\n";
    }
    out_line("UK exit");
    return 0;
}

}  // namespace

int run_kiosk(const AppOptions& options) {
    // The configuration file (or the demo defaults), and what the set-up pages chose over it.
    auto r = config::load_kiosk_config_with_setup(options.config, resolve_data_dir(options));
    if (!r.config) {
        // Said on stderr (the journal) and on the screen: a kiosk under systemd would otherwise restart into
        // a black screen while the reason sits in a log nobody reads.
        std::vector<std::string> lines;
        for (const auto& e : r.errors) {
            std::fprintf(stderr, "%s\n", e.message().c_str());
            lines.push_back(e.message());
        }
        if (options.frames > 0) return 4;  // smoke runs and benchmarks: no page to look at
        Kiosk k(options, config::KioskConfig{}, std::move(lines));
        return k.run();
    }
    config::KioskConfig cfg = *r.config;
    if (!options.language.empty()) cfg.flow.default_language = options.language;
    if (options.idle_seconds) {
        cfg.flow.timeouts.interaction = std::chrono::seconds(*options.idle_seconds);
        cfg.flow.timeouts.waiting_for_card = std::chrono::seconds(*options.idle_seconds);
    }
    Kiosk k(options, std::move(cfg));
    return k.run();
}

}  // namespace uk::app
