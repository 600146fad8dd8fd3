# Install rules and CPack .deb packages: uketsuke-kiosk and uketsuke-reception, with their Debian dependencies.
# Build them with:  cmake --build build/release && (cd build/release && cpack -G DEB)
include(GNUInstallDirs)

set(UK_DEPLOY_DIR ${PROJECT_SOURCE_DIR}/deploy)

# [SECTION] Kiosk
foreach(exe uketsuke-kiosk uketsuke-card uketsuke-face uketsuke-cardsim)
    if(TARGET ${exe})
        install(TARGETS ${exe} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT kiosk)
    endif()
endforeach()
# The fetched, checksummed model files (scripts/setup.d/10-models.sh) travel in the kiosk package.
foreach(dir locales assets models)
    if(EXISTS ${PROJECT_SOURCE_DIR}/${dir})
        install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir} DESTINATION ${CMAKE_INSTALL_DATADIR}/uketsuke COMPONENT kiosk)
    endif()
endforeach()
install(FILES ${UK_DEPLOY_DIR}/systemd/uketsuke-kiosk.service DESTINATION /lib/systemd/system COMPONENT kiosk)
# Configuration belongs in /etc whatever the prefix (dpkg then treats it as a conffile).
install(FILES ${UK_DEPLOY_DIR}/kiosk.example.toml DESTINATION /etc/uketsuke RENAME kiosk.toml COMPONENT kiosk)
install(FILES ${UK_DEPLOY_DIR}/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR}/../uketsuke-kiosk COMPONENT kiosk)

# [SECTION] Reception
# The service, and the qualification simulator's admin tool with the test-PKI generator it seeds from.
foreach(exe uketsuke-reception uketsuke-qualification uketsuke-pki)
    if(TARGET ${exe})
        install(TARGETS ${exe} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT reception)
    endif()
endforeach()
install(FILES ${UK_DEPLOY_DIR}/systemd/uketsuke-reception.service DESTINATION /lib/systemd/system
        COMPONENT reception)
install(FILES ${UK_DEPLOY_DIR}/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR}/../uketsuke-reception
        COMPONENT reception)

# Debian policy wants a compressed changelog in each package's doc folder (changelog.gz: a native package).
set(UK_CHANGELOG_GZ ${PROJECT_BINARY_DIR}/changelog.gz)
add_custom_command(OUTPUT ${UK_CHANGELOG_GZ}
    COMMAND gzip -n -9 -c ${UK_DEPLOY_DIR}/debian/changelog > ${UK_CHANGELOG_GZ}
    DEPENDS ${UK_DEPLOY_DIR}/debian/changelog VERBATIM)
add_custom_target(uk_changelog ALL DEPENDS ${UK_CHANGELOG_GZ})
foreach(comp kiosk reception)
    install(FILES ${UK_CHANGELOG_GZ} DESTINATION ${CMAKE_INSTALL_DOCDIR}/../uketsuke-${comp} COMPONENT ${comp})
endforeach()

# [SECTION] CPack
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME uketsuke)
set(CPACK_PACKAGE_VENDOR "The Uketsuke developers")
set(CPACK_PACKAGE_CONTACT "Uketsuke developers <dev@uketsuke.example>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL kiosk reception)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_KIOSK_PACKAGE_NAME uketsuke-kiosk)
set(CPACK_DEBIAN_KIOSK_PACKAGE_DEPENDS
    "adduser, pcscd, cage, fonts-morisawa-bizud-gothic, libdlib-data, tesseract-ocr-jpn, tesseract-ocr-eng")
set(CPACK_DEBIAN_KIOSK_PACKAGE_RECOMMENDS "libopenblas0-pthread")
set(CPACK_DEBIAN_KIOSK_PACKAGE_CONTROL_EXTRA ${UK_DEPLOY_DIR}/debian/kiosk/postinst
                                            ${UK_DEPLOY_DIR}/debian/kiosk/conffiles)
set(CPACK_COMPONENT_KIOSK_DESCRIPTION "Uketsuke self check-in kiosk\n Full-screen touch kiosk for online eligibility confirmation (オンライン資格確認)\n with My Number card reading over PC/SC, face verification and consent.")
set(CPACK_DEBIAN_RECEPTION_PACKAGE_NAME uketsuke-reception)
set(CPACK_DEBIAN_RECEPTION_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_RECEPTION_PACKAGE_CONTROL_EXTRA ${UK_DEPLOY_DIR}/debian/reception/postinst)
set(CPACK_COMPONENT_RECEPTION_DESCRIPTION "Uketsuke reception queue service and staff monitor\n HTTPS service that receives check-ins from kiosks and shows them live to staff.")
include(CPack)
