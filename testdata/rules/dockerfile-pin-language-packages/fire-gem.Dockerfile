FROM ruby:3.3-slim
RUN gem install --no-document bundler rake:13.2.1
