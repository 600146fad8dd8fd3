#include "kiosk/app/cardfront_worker.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>

#include "kiosk/cardfront/reader.h"
#include "platform/camera/camera_source.h"
#include "tools/cardfront/render.h"
#include "tools/cardfront/scene.h"

namespace uk::app {

namespace ev = checkin::ev;
using namespace std::chrono_literals;

std::chrono::year_month_day local_today() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return std::chrono::year{tm.tm_year + 1900} / std::chrono::month{static_cast<unsigned>(tm.tm_mon + 1)} /
           std::chrono::day{static_cast<unsigned>(tm.tm_mday)};
}

CardFrontWorker::CardFrontWorker(CardFrontWorkerOptions options, EventInbox& inbox)
    : options_(std::move(options)), inbox_(inbox) {
    thread_ = std::thread([this] { run(); });
}

CardFrontWorker::~CardFrontWorker() {
    {
        std::lock_guard lock(mu_);
        stop_thread_ = true;
        ++generation_;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    wipe();
}

void CardFrontWorker::start(std::uint64_t epoch) {
    {
        std::lock_guard lock(mu_);
        if (code_) code_->clear();
        code_.reset();
        guidance_.clear();
        outline_.reset();
        preview_.release();
        scanning_ = true;
        ++generation_;
        epoch_ = epoch;
    }
    cv_.notify_all();
}

void CardFrontWorker::stop() {
    {
        std::lock_guard lock(mu_);
        scanning_ = false;
        ++generation_;
        preview_.release();
    }
    cv_.notify_all();
}

void CardFrontWorker::wipe() {
    std::lock_guard lock(mu_);
    if (code_) code_->clear();
    code_.reset();
}

std::optional<MatchCodeB> CardFrontWorker::take() {
    std::lock_guard lock(mu_);
    std::optional<MatchCodeB> out = std::move(code_);
    code_.reset();
    return out;
}

void CardFrontWorker::poll(ui::CardFrontView& view, ui::FaceView& preview,
                           const std::function<void*(const cv::Mat&)>& upload) {
    std::lock_guard lock(mu_);
    view.guidance_key = guidance_.empty() ? std::string() : "card_front.guidance." + guidance_;
    view.outline = outline_;
    if (!preview_.empty()) {
        preview.preview_texture = upload(preview_);
        preview.preview_w = preview_.cols;
        preview.preview_h = preview_.rows;
    }
}

void CardFrontWorker::run() {
    if (options_.prepare_camera) options_.camera = options_.prepare_camera();
    auto created = options_.camera == "none"
                       ? Result<std::unique_ptr<cardfront::CardFrontReader>>(Error{"no card-front camera"})
                       : cardfront::CardFrontReader::create();
    std::unique_ptr<cardfront::CardFrontReader> reader;
    if (created) {
        reader = std::move(*created);
        if (options_.log) options_.log("card-front reader ready (camera " + options_.camera + ")");
    } else if (options_.log) {
        options_.log("card-front reader unavailable: " + created.error() + "; patients can type the numbers");
    }
    for (;;) {
        std::uint64_t gen = 0, epoch = 0;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [&] { return stop_thread_ || scanning_; });
            if (stop_thread_) return;
            gen = generation_;
            epoch = epoch_;
        }
        auto still_wanted = [&] {
            std::lock_guard lock(mu_);
            return !stop_thread_ && scanning_ && generation_ == gen;
        };
        if (!reader) {
            inbox_.post(ev::CardFrontFailed{}, epoch);
            std::lock_guard lock(mu_);
            if (generation_ == gen) scanning_ = false;
            continue;
        }
        reader->reset();
        camera::CameraOptions co;
        co.source = options_.camera;
        co.loop = options_.loop_clip;
        co.width = 1280;  // the 2.8 mm security code needs the pixels
        co.height = 720;
        camera::CameraSource cam(co);
        std::uint64_t seq = 0;
        bool done = false;
        while (!done && still_wanted()) {
            auto frame = cam.wait_newer(seq, 200ms);
            if (!frame) {
                if (cam.state() == face::SourceState::Gone || cam.state() == face::SourceState::Ended) {
                    if (options_.log) options_.log("card-front camera: " + cam.problem());
                    inbox_.post(ev::CardFrontFailed{}, epoch);
                    done = true;
                }
                continue;
            }
            seq = frame->seq;
            cardfront::FrameReport r = reader->process(frame->bgr, local_today());
            std::optional<MatchCodeB> code;
            if (r.accepted) code = reader->take();
            // A small preview for the screen (the full frame stays here and is dropped with the next one).
            cv::Mat small;
            double sc = 640.0 / std::max(1, frame->bgr.cols);
            cv::resize(frame->bgr, small, {}, sc, sc, cv::INTER_AREA);
            std::lock_guard lock(mu_);
            if (generation_ != gen) break;
            guidance_ = std::string(cardfront::to_string(r.guidance));
            if (r.outline) {
                std::array<float, 8> o{};
                for (int i = 0; i < 4; ++i) {
                    o[2 * i] = (*r.outline)[i].x / static_cast<float>(frame->bgr.cols);
                    o[2 * i + 1] = (*r.outline)[i].y / static_cast<float>(frame->bgr.rows);
                }
                outline_ = o;
            } else {
                outline_.reset();
            }
            preview_ = small;
            if (code) {
                code_ = std::move(code);
                scanning_ = false;
                inbox_.post(ev::CardFrontRead{}, epoch);
                done = true;
            }
        }
        cam.stop();
        reader->reset();
        std::lock_guard lock(mu_);
        if (generation_ == gen) scanning_ = false;
    }
}

std::string write_demo_card_front_clip(const pki::IdentitySpec& spec, const std::filesystem::path& dir,
                                       const std::filesystem::path& card_photo,
                                       const std::function<void(const std::string&)>& log) {
    std::filesystem::path clip_dir = dir / ("front-" + spec.name);
    std::string pattern = (clip_dir / "%04d.png").string();
    if (std::filesystem::exists(clip_dir / "0000.png") && card_photo.empty()) return pattern;
    auto renderer = cardfront::FrontRenderer::create();
    if (!renderer) {
        log("demo card front: " + renderer.error());
        return "none";
    }
    cv::Mat photo;
    if (!card_photo.empty()) photo = cv::imread(card_photo.string());
    cv::Mat front = (*renderer)->render(cardfront::fields_from_identity(spec), photo);
    cardfront::Clip clip = cardfront::make_clip(front, 7);
    std::error_code ec;
    std::filesystem::remove_all(clip_dir, ec);
    std::filesystem::create_directories(clip_dir, ec);
    for (std::size_t i = 0; i < clip.frames.size(); ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "%04zu.png", i);
        if (!cv::imwrite((clip_dir / name).string(), clip.frames[i])) {
            log("demo card front: cannot write " + (clip_dir / name).string());
            return "none";
        }
    }
    return pattern;
}

}  // namespace uk::app
