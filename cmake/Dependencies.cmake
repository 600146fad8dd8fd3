# Every external library, found once here so that every folder sees the same imported targets.
# All of them are Debian bookworm packages (scripts/deps/*.list); nothing is downloaded at build time.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(GTest REQUIRED)                       # googletest: unit and integration tests
include(GoogleTest)
find_package(nlohmann_json 3.11 REQUIRED)          # check-in record JSON, locales, reception API
find_package(OpenSSL 3 REQUIRED)                   # certificates, signatures, TLS, hashes
find_package(SQLite3 REQUIRED)                     # outbox, reception store, insured-persons simulator
find_package(LibXml2 REQUIRED)                     # parsing the レセコン XML files (qualification)
pkg_check_modules(PCSC REQUIRED IMPORTED_TARGET GLOBAL libpcsclite)      # PC/SC client library
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET GLOBAL tomlplusplus)   # configuration files
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET GLOBAL libsodium)      # Argon2id password hashes
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib)   # HTTPS server and client
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET GLOBAL libpq)           # PostgreSQL store
pkg_check_modules(TESSERACT REQUIRED IMPORTED_TARGET GLOBAL tesseract)   # card-front OCR
find_package(OpenCV 4.6 REQUIRED COMPONENTS core imgproc imgcodecs videoio dnn objdetect)
find_package(dlib 19.24 REQUIRED)                  # face landmarks, HOG detector, ResNet embedder

# SDL2 + Dear ImGui 1.86 (Debian's libimgui.a). Own imported target so that FreeType/stb come after the archive.
find_package(SDL2 REQUIRED)
find_package(Freetype REQUIRED)
find_library(IMGUI_LIB NAMES libimgui.a REQUIRED)
find_library(STB_LIB NAMES stb REQUIRED)
add_library(imgui::imgui STATIC IMPORTED GLOBAL)
set_target_properties(imgui::imgui PROPERTIES
    IMPORTED_LOCATION ${IMGUI_LIB}
    INTERFACE_INCLUDE_DIRECTORIES "/usr/include/imgui;/usr/include/imgui/backends;/usr/include/stb"
    INTERFACE_LINK_LIBRARIES "${STB_LIB};Freetype::Freetype;SDL2::SDL2;${CMAKE_DL_LIBS}")
set(IMGUI_BACKENDS_DIR /usr/share/doc/libimgui-dev/examples/backends)
